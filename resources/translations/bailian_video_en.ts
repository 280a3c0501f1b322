<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
<context>
    <name>CompareView</name>
    <message numerus="yes">
        <source>Compare %n takes</source>
        <translation><numerusform>Compare %n take</numerusform><numerusform>Compare %n takes</numerusform></translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message numerus="yes">
        <source>Tasks on the service that could be this one (%n):</source>
        <translation><numerusform>Tasks on the service that could be this one (%n):</numerusform><numerusform>Tasks on the service that could be this one (%n):</numerusform></translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message numerus="yes">
        <source>Only one file fits here; using the first of the %n you dropped.</source>
        <translation><numerusform>Only one file fits here; using the first of the %n you dropped.</numerusform><numerusform>Only one file fits here; using the first of the %n you dropped.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s)…</source>
        <translation><numerusform>Checking %n file…</numerusform><numerusform>Checking %n files…</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Batch: %n image(s), one video each.</source>
        <translation><numerusform>Batch: %n image, one video each.</numerusform><numerusform>Batch: %n images, one video each.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n images or videos here</source>
        <translation><numerusform>Drop up to %n images or videos here</numerusform><numerusform>Drop up to %n images or videos here</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n images here</source>
        <translation><numerusform>Drop up to %n images here</numerusform><numerusform>Drop up to %n images here</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n audio files here</source>
        <translation><numerusform>Drop up to %n audio files here</numerusform><numerusform>Drop up to %n audio files here</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n videos here</source>
        <translation><numerusform>Drop up to %n videos here</numerusform><numerusform>Drop up to %n videos here</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n documents here</source>
        <translation><numerusform>Drop up to %n documents here</numerusform><numerusform>Drop up to %n documents here</numerusform></translation>
    </message>
</context>
<context>
    <name>FamilyTab</name>
    <message numerus="yes">
        <source>× %n videos</source>
        <translation><numerusform>× %n videos</numerusform><numerusform>× %n videos</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Generate %n videos</source>
        <translation><numerusform>Generate %n videos</numerusform><numerusform>Generate %n videos</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Added %n task(s) to the queue.</source>
        <translation><numerusform>Added %n task to the queue.</numerusform><numerusform>Added %n tasks to the queue.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n videos</source>
        <translation><numerusform>%n videos</numerusform><numerusform>%n videos</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>You dropped %n images. Make one video from each?</source>
        <translation><numerusform>You dropped %n images. Make one video from each?</numerusform><numerusform>You dropped %n images. Make one video from each?</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Make %n videos</source>
        <translation><numerusform>Make %n videos</numerusform><numerusform>Make %n videos</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n files are not on this computer any more: drop them again where they are marked.</source>
        <translation><numerusform>%n files are not on this computer any more: drop them again where they are marked.</numerusform><numerusform>%n files are not on this computer any more: drop them again where they are marked.</numerusform></translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation><numerusform>%Ln result</numerusform><numerusform>%Ln results</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Delete %n video(s)?</source>
        <translation><numerusform>Delete %n video?</numerusform><numerusform>Delete %n videos?</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) moved to the trash.</source>
        <translation><numerusform>%n video moved to the trash.</numerusform><numerusform>%n videos moved to the trash.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) could not be moved to the system trash. Their files are kept.</source>
        <translation><numerusform>%n video could not be moved to the system trash. Their files are kept.</numerusform><numerusform>%n videos could not be moved to the system trash. Their files are kept.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Nothing was deleted for %n video(s).</source>
        <translation><numerusform>Nothing was deleted for %n video.</numerusform><numerusform>Nothing was deleted for %n videos.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) could not be deleted; their files are kept.</source>
        <translation><numerusform>%n video could not be deleted; their files are kept.</numerusform><numerusform>%n videos could not be deleted; their files are kept.</numerusform></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Added %n task(s) to the queue.</source>
        <translation><numerusform>Added %n task to the queue.</numerusform><numerusform>Added %n tasks to the queue.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) ready</source>
        <translation><numerusform>%n video ready</numerusform><numerusform>%n videos ready</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n of the batch did not finish; see the queue.</source>
        <translation><numerusform>%n of the batch did not finish; see the queue.</numerusform><numerusform>%n of the batch did not finish; see the queue.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Bailian Video Studio — %n task(s) working</source>
        <translation><numerusform>Bailian Video Studio — %n task working</numerusform><numerusform>Bailian Video Studio — %n tasks working</numerusform></translation>
    </message>
</context>
<context>
    <name>MediaSection</name>
    <message numerus="yes">
        <source>Up to %n</source>
        <translation><numerusform>Up to %n</numerusform><numerusform>Up to %n</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Exactly %n</source>
        <translation><numerusform>Exactly %n</numerusform><numerusform>Exactly %n</numerusform></translation>
    </message>
</context>
<context>
    <name>QueueDock</name>
    <message numerus="yes">
        <source>Archived %n tasks.</source>
        <translation><numerusform>Archived %n task.</numerusform><numerusform>Archived %n tasks.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n working</source>
        <translation><numerusform>%n working</numerusform><numerusform>%n working</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n done</source>
        <translation><numerusform>%n done</numerusform><numerusform>%n done</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n need attention</source>
        <translation><numerusform>%n needs attention</numerusform><numerusform>%n need attention</numerusform></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>Not available in this region (%n model(s)): %1</source>
        <translation><numerusform>Not available in this region (%n model): %1</numerusform><numerusform>Not available in this region (%n models): %1</numerusform></translation>
    </message>
</context>
</TS>