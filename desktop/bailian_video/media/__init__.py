"""Media: what a file is, thumbnails and waveforms, real H.264 renders, synthetic samples.

Import the submodules directly (nothing is re-exported, so ``media.probe`` stays the module
and importing the package does not load PyAV/numpy):

- ``media.probe``   — ``probe()``, ``MediaInfo``, ``MediaError``, ``first_frame()``, ``waveform()``
- ``media.render``  — ``render_text()``, ``render_image_motion()``, ``render_transition()``,
  ``render_restyle()``, ``render_portrait()``, ``render_retalk()``, ``render_images()``
- ``media.samples`` — ``make_image()``, ``make_audio()``, ``make_video()``
- ``media.stitch``  — ``stitch()``, ``Cut``, ``StitchResult``, ``StitchCanceled``, ``can_copy()``, ``last_frame()``
- ``media.timeline`` — ``export_otio()``, ``export_fcpxml()``, ``export_edl()``, ``export_jianying()``,
  ``read_back()``, ``TimelineClip``
"""
