"""The Qt layer: widgets, item models, dialogs. The only part of the app that imports Qt."""
from .compat import guard_singleton_refcounts

guard_singleton_refcounts()
