<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BeforeAfter</name>
    <message>
        <source>the file is not there (%1)</source>
        <translation>文件不存在（%1）</translation>
    </message>
    <message>
        <source>its format is not supported</source>
        <translation>不支持该格式</translation>
    </message>
    <message>
        <source>The source video cannot be played: %1</source>
        <translation>无法播放原视频：%1</translation>
    </message>
    <message>
        <source>The edited video cannot be played: %1</source>
        <translation>无法播放编辑后的视频：%1</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>编辑前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>编辑后</translation>
    </message>
    <message>
        <source>Drop a video above to preview it</source>
        <translation>将视频拖到上方即可在此预览</translation>
    </message>
    <message>
        <source>The edited video appears here when it is ready</source>
        <translation>编辑完成后，视频会显示在这里</translation>
    </message>
    <message>
        <source>Source video</source>
        <translation>原视频</translation>
    </message>
    <message>
        <source>Edited video</source>
        <translation>编辑后的视频</translation>
    </message>
    <message>
        <source>Preview position</source>
        <translation>预览进度</translation>
    </message>
    <message>
        <source>Sound from the source video</source>
        <translation>播放原视频的声音</translation>
    </message>
    <message>
        <source>Sound from the edited video</source>
        <translation>播放编辑后视频的声音</translation>
    </message>
</context>
<context>
    <name>BudgetHold</name>
    <message>
        <source>Spending limit reached</source>
        <translation>已达花费上限</translation>
    </message>
    <message>
        <source>This click: about %1.</source>
        <translation>这次点击：约 %1。</translation>
    </message>
    <message>
        <source>Sandbox: nothing is charged; its limits count what the videos would cost.</source>
        <translation>沙盒：不会扣费；这里的上限按视频本应花费的金额计算。</translation>
    </message>
    <message>
        <source>These are the limits of the paid service. Change them any time in Settings → Spending.</source>
        <translation>这是付费服务的花费上限，随时可以修改（设置 → 花费）。</translation>
    </message>
    <message>
        <source>Raise the limit to ¥%1</source>
        <translation>把上限提高到 ¥%1</translation>
    </message>
    <message>
        <source>Submit anyway, just this once</source>
        <translation>仍然提交（仅此一次）</translation>
    </message>
    <message>
        <source>Don&apos;t submit</source>
        <translation>不提交</translation>
    </message>
</context>
<context>
    <name>CandidateRow</name>
    <message>
        <source>time unknown</source>
        <translation>时间未知</translation>
    </message>
    <message>
        <source>model unknown</source>
        <translation>模型未知</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>提示词：%1</translation>
    </message>
    <message>
        <source>The service reports no prompt for this task.</source>
        <translation>服务没有返回这个任务的提示词。</translation>
    </message>
    <message>
        <source>Task ID on the service</source>
        <translation>服务上的任务 ID</translation>
    </message>
    <message>
        <source>Adopt this task</source>
        <translation>采用这个任务</translation>
    </message>
    <message>
        <source>This is the task that was made: follow it and download its video (nothing is charged again)</source>
        <translation>就是这个任务：继续跟踪并下载它的视频（不会再次计费）</translation>
    </message>
</context>
<context>
    <name>ChoiceEditor</name>
    <message>
        <source>Not set (the model decides)</source>
        <extracomment>words after a choice&apos;s label, by value (its price: &quot;720P — ¥0.60/s&quot;)</extracomment>
        <translation>不指定（由模型决定）</translation>
    </message>
    <message>
        <source>follows the input</source>
        <translation>跟随输入</translation>
    </message>
    <message>
        <source>landscape</source>
        <translation>横屏</translation>
    </message>
    <message>
        <source>portrait</source>
        <translation>竖屏</translation>
    </message>
    <message>
        <source>square</source>
        <translation>方形</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Function</source>
        <translation>功能</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Film · %1</source>
        <translation>成片 · %1</translation>
    </message>
    <message>
        <source>Take %1</source>
        <translation>第 %1 条</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>Compare takes 2 to 4 videos at a time (chosen: %1).</source>
        <translation>一次可对比 2–4 个视频（当前选了 %1 个）。</translation>
    </message>
    <message>
        <source>Takes, played in step</source>
        <translation>同步播放的各条视频</translation>
    </message>
    <message numerus="yes">
        <source>Compare %n takes</source>
        <translation>
            <numerusform>对比 %n 条视频</numerusform>
        </translation>
    </message>
    <message>
        <source>What differs</source>
        <translation>不同之处</translation>
    </message>
    <message>
        <source>These takes were made with the same settings.</source>
        <translation>这几条视频的设置完全相同。</translation>
    </message>
    <message>
        <source>Same in all: %1</source>
        <translation>全部相同：%1</translation>
    </message>
    <message>
        <source>Words in bold differ between the takes.</source>
        <translation>加粗的词在各条之间不同。</translation>
    </message>
    <message>
        <source>A film is stitched from a sequence; it has no generation settings of its own.</source>
        <translation>成片由片段序列拼接而成，没有自己的生成设置。</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <source>Use the settings of take %1</source>
        <translation>使用第 %1 条的设置</translation>
    </message>
    <message>
        <source>This take has no video.</source>
        <translation>这一条没有视频。</translation>
    </message>
</context>
<context>
    <name>ContinueDialog</name>
    <message>
        <source>The video file %1 is not in %2 any more. Put it back there to continue it.</source>
        <translation>视频文件 %1 已不在 %2 中。把它放回原处才能续拍。</translation>
    </message>
    <message>
        <source>This video cannot be continued: %1</source>
        <translation>这段视频无法续拍：%1</translation>
    </message>
    <message>
        <source>This video cannot be read: %1</source>
        <translation>无法读取这段视频：%1</translation>
    </message>
    <message>
        <source>Continue the clip (%1)</source>
        <translation>接着原片续拍（%1）</translation>
    </message>
    <message>
        <source>Start from its last frame (%1)</source>
        <translation>从最后一帧开始（%1）</translation>
    </message>
    <message>
        <source>%1 — not possible</source>
        <translation>%1 — 无法使用</translation>
    </message>
    <message>
        <source>The model plays your clip first and goes on from it; the film keeps only the new part.</source>
        <translation>模型会先重放你的原片，再接着往下生成；合成成片时只保留新增的部分。</translation>
    </message>
    <message>
        <source>A new video that starts from the exact last picture of this one.</source>
        <translation>以这段视频的最后一帧画面为起点，生成一段新视频。</translation>
    </message>
    <message>
        <source>%1 — about %2</source>
        <translation>%1 — 约 %2</translation>
    </message>
    <message>
        <source>Repeats your %1 s and adds %2 s; billed %3 s.</source>
        <translation>先重放原片 %1 秒，再新增 %2 秒；按 %3 秒计费。</translation>
    </message>
    <message>
        <source>%1 s new.</source>
        <translation>新拍 %1 秒。</translation>
    </message>
    <message>
        <source>Continue this video</source>
        <translation>续拍这段视频</translation>
    </message>
    <message>
        <source>Make the next shot: a new video that starts where this one ends. It is added to a sequence after this video, ready to become one film.</source>
        <translation>拍下一个镜头：从这段视频结束的地方接着拍一段新视频。它会排在这段视频之后，加入同一个片段序列，之后可以合成一部成片。</translation>
    </message>
    <message>
        <source>How to continue</source>
        <translation>续拍方式</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Seconds to add</source>
        <translation>新增时长</translation>
    </message>
    <message>
        <source> s</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Sandbox: nothing is charged.</source>
        <translation>沙盒模式：不产生任何费用。</translation>
    </message>
    <message>
        <source>Make next shot</source>
        <translation>拍下一个镜头</translation>
    </message>
    <message>
        <source>The backend is not running, or there is no API key: nothing was submitted.</source>
        <translation>后端没有运行，或者还没有设置 API Key：没有提交任何任务。</translation>
    </message>
    <message>
        <source>Nothing was submitted.</source>
        <translation>没有提交任何任务。</translation>
    </message>
    <message>
        <source>Sequence %1</source>
        <translation>片段序列 %1</translation>
    </message>
    <message>
        <source>Nothing was submitted: %1</source>
        <translation>没有提交任何任务：%1</translation>
    </message>
    <message>
        <source>You already made this next shot (task %1): nothing was submitted again.</source>
        <translation>你已经拍过这个镜头（任务 %1），没有重复提交。</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>隐藏详细信息</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详细信息</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>Something went wrong inside the app. Your tasks are safe (they are saved after every step). You can copy the details and send them to us.</source>
        <translation>应用内部出了点问题。您的任务是安全的（每一步都已保存）。您可以复制详细信息发送给我们。</translation>
    </message>
    <message>
        <source>The log is in %1</source>
        <translation>日志位于 %1</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>generating</source>
        <translation>生成中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>unknown to the service</source>
        <translation>服务不认识</translation>
    </message>
    <message>
        <source>status unknown</source>
        <translation>状态未知</translation>
    </message>
    <message>
        <source>The answer to the submission was lost, and it cannot be proved which task on the service it made.</source>
        <translation>提交的回应丢失了，无法确定它在服务上创建了哪个任务。</translation>
    </message>
    <message numerus="yes">
        <source>Tasks on the service that could be this one (%n):</source>
        <translation>
            <numerusform>服务上可能是它的任务（%n 个）：</numerusform>
        </translation>
    </message>
    <message>
        <source>No task on the service could be matched to this one.</source>
        <translation>服务上没有找到可以对应的任务。</translation>
    </message>
    <message>
        <source>Charged again: about %1 (sandbox: not charged)</source>
        <translation>将再次计费：约 %1（沙盒：不收费）</translation>
    </message>
    <message>
        <source>Sandbox: not charged</source>
        <translation>沙盒：不收费</translation>
    </message>
    <message>
        <source>Charged again: about %1</source>
        <translation>将再次计费：约 %1</translation>
    </message>
    <message>
        <source>Charged again</source>
        <translation>将再次计费</translation>
    </message>
    <message>
        <source>This task needs your decision</source>
        <translation>这个任务需要你来确认</translation>
    </message>
    <message>
        <source>Found the task in the Model Studio console? Paste its task ID:</source>
        <translation>在百炼控制台找到了这个任务？粘贴它的任务 ID：</translation>
    </message>
    <message>
        <source>Task ID</source>
        <translation>任务 ID</translation>
    </message>
    <message>
        <source>Adopt by task ID</source>
        <translation>按任务 ID 采用</translation>
    </message>
    <message>
        <source>Follow this service task and download its video (nothing is charged again)</source>
        <translation>跟踪这个服务任务并下载它的视频（不会再次计费）</translation>
    </message>
    <message>
        <source>Not created — submit again</source>
        <translation>未创建 — 重新提交</translation>
    </message>
    <message>
        <source>Nothing was made on the service: submit the same request again. This is a new, billed generation.</source>
        <translation>服务上没有创建任务：把同样的请求重新提交一次。这是一次新的、会计费的生成。</translation>
    </message>
    <message>
        <source>Carrying out your decision…</source>
        <translation>正在执行你的选择…</translation>
    </message>
    <message>
        <source>Submit again?</source>
        <translation>重新提交？</translation>
    </message>
    <message>
        <source>Submit this task again as a new generation?</source>
        <translation>要把这个任务作为一次新的生成重新提交吗？</translation>
    </message>
    <message>
        <source>It will be charged again: about %1.</source>
        <translation>将再次计费：约 %1。</translation>
    </message>
    <message>
        <source>It will be charged again.</source>
        <translation>将再次计费。</translation>
    </message>
    <message>
        <source>If the lost submission did make a task on the service, that task is billed too. When unsure, look for it in the Model Studio console first.</source>
        <translation>如果丢失回应的那次提交其实已经在服务上创建了任务，那个任务也会计费。不确定时，请先到百炼控制台查找。</translation>
    </message>
    <message>
        <source>Sandbox: nothing is actually charged.</source>
        <translation>沙盒：实际上不会收费。</translation>
    </message>
    <message>
        <source>Submit again</source>
        <translation>重新提交</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Not connected to a backend; try again once it has started.</source>
        <translation>尚未连接后端；请在它启动后再试。</translation>
    </message>
    <message>
        <source>Could not carry out the decision: %1</source>
        <translation>无法执行你的选择：%1</translation>
    </message>
    <message>
        <source>Could not ask the service about this task (%1). Nothing was changed; try again.</source>
        <translation>无法向服务查询这个任务（%1）。没有做任何更改，请再试一次。</translation>
    </message>
    <message>
        <source>This task is no longer in the list.</source>
        <translation>这个任务已不在列表中。</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>No file manager answered. The path is copied: %1 — paste it into your file manager.</source>
        <extracomment>How long to wait for a launcher&apos;s verdict. ``xdg-open`` and ``open`` fail within a fraction of a second when no application is registered; one still running after this has started something.</extracomment>
        <translation>没有文件管理器响应。路径已复制：%1，请粘贴到文件管理器中打开。</translation>
    </message>
    <message>
        <source>No app answered to open it. The path is copied: %1 — paste it into a player or your file manager.</source>
        <translation>没有应用响应打开请求。路径已复制：%1，请粘贴到播放器或文件管理器中打开。</translation>
    </message>
    <message>
        <source>Path copied</source>
        <translation>路径已复制</translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <source>Select a task to see its details.</source>
        <translation>选择一个任务查看详情。</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>创建于 %1</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>用时 %1</translation>
    </message>
    <message>
        <source>cost %1</source>
        <translation>费用 %1</translation>
    </message>
    <message>
        <source>estimate %1</source>
        <translation>预估 %1</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>task id %1</source>
        <translation>任务 ID %1</translation>
    </message>
    <message>
        <source>request id %1</source>
        <translation>请求 ID %1</translation>
    </message>
    <message>
        <source>Service code: %1</source>
        <translation>服务错误码：%1</translation>
    </message>
    <message>
        <source>Running it again starts a new, billed generation.</source>
        <translation>再次运行会发起新的生成，并再次计费。</translation>
    </message>
    <message>
        <source>The video is already made: getting it again costs nothing.</source>
        <translation>视频已经生成：再次获取不收费。</translation>
    </message>
    <message>
        <source>Nothing was billed for this task.</source>
        <translation>该任务没有产生费用。</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message numerus="yes">
        <source>Only one file fits here; using the first of the %n you dropped.</source>
        <translation>
            <numerusform>这里只能放一个文件；已使用您拖入的 %n 个文件中的第一个。</numerusform>
        </translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>%1 was not used: %2</source>
        <translation>未采用 %1：%2</translation>
    </message>
    <message>
        <source>an image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>an audio file</source>
        <translation>音频文件</translation>
    </message>
    <message>
        <source>a video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>%1 is %2, but “%3” needs %4.</source>
        <translation>%1 是%2，但“%3”需要%4。</translation>
    </message>
    <message>
        <source>an unknown kind of file</source>
        <translation>未知类型的文件</translation>
    </message>
    <message>
        <source>%1 — not on this computer any more; drop it again.</source>
        <translation>%1 已不在这台电脑上，请重新拖入。</translation>
    </message>
    <message>
        <source>“%1” takes at most %2 files; not used: %3</source>
        <translation>“%1”最多 %2 个文件；未使用：%3</translation>
    </message>
    <message>
        <source>Could not read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>“%1” takes %2 files.</source>
        <translation>“%1”只接受 %2 文件。</translation>
    </message>
    <message>
        <source>It is %1, over the %2 limit.</source>
        <translation>文件 %1，超过 %2 上限。</translation>
    </message>
    <message>
        <source>a text file</source>
        <translation>文本文件</translation>
    </message>
    <message>
        <source>a PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <source>a Word document</source>
        <translation>Word 文档</translation>
    </message>
    <message>
        <source>a spreadsheet</source>
        <translation>电子表格</translation>
    </message>
    <message>
        <source>a presentation</source>
        <translation>演示文稿</translation>
    </message>
    <message>
        <source>a compressed archive</source>
        <translation>压缩包</translation>
    </message>
    <message>
        <source>a web page</source>
        <translation>网页</translation>
    </message>
    <message>
        <source>a data file</source>
        <translation>数据文件</translation>
    </message>
    <message>
        <source>a program</source>
        <translation>程序</translation>
    </message>
    <message>
        <source>%1 is %2, not an image, audio clip or video.</source>
        <translation>%1 是%2，不是图片、音频或视频。</translation>
    </message>
    <message>
        <source>%1 could not be opened as %2; the file may be damaged or incomplete.</source>
        <translation>无法将 %1 作为%2打开，文件可能已损坏或不完整。</translation>
    </message>
    <message>
        <source>%1 is not an image, audio clip or video that this app can read.</source>
        <translation>%1 不是本应用能读取的图片、音频或视频。</translation>
    </message>
    <message>
        <source>a document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>an image or a video</source>
        <translation>图片或视频</translation>
    </message>
    <message>
        <source>“%1” takes at most %2 files; remove one first.</source>
        <translation>“%1”最多放 %2 个文件；请先移除一个。</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp *.webp)</translation>
    </message>
    <message>
        <source>Audio (*.wav *.mp3 *.aac *.m4a)</source>
        <translation>音频 (*.wav *.mp3 *.aac *.m4a)</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.mov *.avi *.mkv *.flv *.ts *.mpg)</source>
        <translation>视频 (*.mp4 *.mov *.avi *.mkv *.flv *.ts *.mpg)</translation>
    </message>
    <message>
        <source>Documents (%1)</source>
        <translation>文档 (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>The clipboard holds no file, link or picture to use here.</source>
        <translation>剪贴板里没有可以在这里使用的文件、链接或图片。</translation>
    </message>
    <message>
        <source>Could not save the pasted picture to %1.</source>
        <translation>无法把粘贴的图片保存到 %1。</translation>
    </message>
    <message>
        <source>“%1” is neither a link (https://…) nor a file on this computer.</source>
        <translation>“%1”既不是链接（https://…），也不是本机上的文件。</translation>
    </message>
    <message>
        <source>Nothing usable was dropped: drop a file from your file manager, or a link.</source>
        <translation>拖入的内容无法使用：请从文件管理器拖入文件，或拖入链接。</translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s)…</source>
        <translation>
            <numerusform>正在检查 %n 个文件…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch: %n image(s), one video each.</source>
        <translation>
            <numerusform>批量：%n 张图片，每张生成一个视频。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n images or videos here</source>
        <translation>
            <numerusform>最多可拖入 %n 个图片或视频</numerusform>
        </translation>
    </message>
    <message>
        <source>Drop an image or a video here</source>
        <translation>把图片或视频拖到这里</translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n audio files here</source>
        <translation>
            <numerusform>最多可拖入 %n 段音频</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n videos here</source>
        <translation>
            <numerusform>最多可拖入 %n 段视频</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n documents here</source>
        <translation>
            <numerusform>最多可拖入 %n 个文档</numerusform>
        </translation>
    </message>
    <message>
        <source>Drop an image here</source>
        <translation>把图片拖到这里</translation>
    </message>
    <message>
        <source>Drop an audio file here</source>
        <translation>把音频文件拖到这里</translation>
    </message>
    <message>
        <source>Drop a video here</source>
        <translation>把视频拖到这里</translation>
    </message>
    <message>
        <source>%1: choose a file</source>
        <translation>%1：选择文件</translation>
    </message>
    <message>
        <source>%1: paste from the clipboard</source>
        <translation>%1：从剪贴板粘贴</translation>
    </message>
    <message>
        <source>%1: link</source>
        <translation>%1：链接</translation>
    </message>
    <message>
        <source>%1: clear</source>
        <translation>%1：清除</translation>
    </message>
    <message numerus="yes">
        <source>Drop up to %n images here</source>
        <translation>
            <numerusform>最多可拖入 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Drop an image here (several images make a batch)</source>
        <translation>把图片拖到这里（拖入多张则批量生成）</translation>
    </message>
    <message>
        <source>Drop a document here</source>
        <translation>把文档拖到这里</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Use a file, link or picture from the clipboard (Ctrl+V)</source>
        <translation>使用剪贴板中的文件、链接或图片（Ctrl+V）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>or paste a link: https://…</source>
        <translation>或粘贴链接：https://…</translation>
    </message>
</context>
<context>
    <name>FamilyTab</name>
    <message>
        <source>/s</source>
        <extracomment>editors whose value is files (not remembered as text between runs) the resolution of a model&apos;s first use: sharp enough to judge, and the cheaper tier on most models</extracomment>
        <translation>/秒</translation>
    </message>
    <message>
        <source>/image</source>
        <translation>/张</translation>
    </message>
    <message>
        <source>≈ %1 (estimated)</source>
        <translation>约 %1（估算）</translation>
    </message>
    <message>
        <source>Please fix the fields marked in red.</source>
        <translation>请修改标红的项目。</translation>
    </message>
    <message>
        <source>Cost depends on the length of “%1”: %2 per second. Add it to see the total.</source>
        <translation>费用取决于“%1”的时长：每秒 %2。添加后即可看到总价。</translation>
    </message>
    <message>
        <source>Estimated cost: %1</source>
        <translation>预计费用：%1</translation>
    </message>
    <message>
        <source>%1 s × %2/s%3</source>
        <translation>%1 秒 × %2/秒%3</translation>
    </message>
    <message>
        <source>photo check %1</source>
        <translation>照片检测 %1</translation>
    </message>
    <message numerus="yes">
        <source>× %n videos</source>
        <translation>
            <numerusform>× %n 个视频</numerusform>
        </translation>
    </message>
    <message>
        <source>— the length is a guess; the template decides it.</source>
        <translation>——时长为估计值，由模板决定。</translation>
    </message>
    <message>
        <source>Estimated price: the official price list gives no number for this model.</source>
        <translation>价格为估算：官方价目表未列出该模型的价格。</translation>
    </message>
    <message>
        <source>Free quota left: %1 of %2 s.</source>
        <translation>免费额度剩余 %1 秒（共 %2 秒）。</translation>
    </message>
    <message>
        <source>&lt;i&gt;Sandbox: nothing is charged.&lt;/i&gt;</source>
        <translation>&lt;i&gt;沙盒模式：不产生任何费用。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message numerus="yes">
        <source>Generate %n videos</source>
        <translation>
            <numerusform>生成 %n 个视频</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not add the task: %1</source>
        <translation>无法添加任务：%1</translation>
    </message>
    <message>
        <source>Checking the files…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <source>The backend is not running: %1</source>
        <translation>后端没有运行：%1</translation>
    </message>
    <message>
        <source>Add your API key in Settings (or switch to the free sandbox) to generate.</source>
        <translation>请先在设置里填写 API 密钥（或切换到免费的沙盒）再生成。</translation>
    </message>
    <message>
        <source>Nothing was queued.</source>
        <translation>没有加入任何任务。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n task(s) to the queue.</source>
        <translation>
            <numerusform>已将 %n 个任务加入队列。</numerusform>
        </translation>
    </message>
    <message>
        <source>1 video</source>
        <translation>1 个视频</translation>
    </message>
    <message numerus="yes">
        <source>%n videos</source>
        <translation>
            <numerusform>%n 个视频</numerusform>
        </translation>
    </message>
    <message>
        <source>Confirm spending</source>
        <translation>确认花费</translation>
    </message>
    <message>
        <source>This will make %1, about %2.</source>
        <translation>将生成 %1，预计 %2。</translation>
    </message>
    <message>
        <source>Sandbox: nothing is charged.</source>
        <translation>沙盒：不收费。</translation>
    </message>
    <message>
        <source>Each video is billed separately, and only when it succeeds.</source>
        <translation>每个视频单独计费，只有生成成功才计费。</translation>
    </message>
    <message>
        <source>You are asked before more than %1 or %2 in one go (Settings → Spending).</source>
        <translation>一次超过 %1 或 %2 时会先询问（设置 → 花费）。</translation>
    </message>
    <message>
        <source>Make %1</source>
        <translation>生成 %1</translation>
    </message>
    <message>
        <source>Already made</source>
        <translation>已经生成过</translation>
    </message>
    <message>
        <source>You already made this video (same settings and seed).</source>
        <translation>这个视频（相同设置和种子）已经做过。</translation>
    </message>
    <message>
        <source>This video (same settings and seed) is already in the queue.</source>
        <translation>这个视频（相同设置和种子）已在队列中。</translation>
    </message>
    <message>
        <source>Making it again costs money again.</source>
        <translation>再做一次会再次计费。</translation>
    </message>
    <message>
        <source>It is here: %1</source>
        <translation>它在这里：%1</translation>
    </message>
    <message>
        <source>Make it again anyway (charged)</source>
        <translation>仍然再做一次（计费）</translation>
    </message>
    <message>
        <source>Make it again anyway</source>
        <translation>仍然再做一次</translation>
    </message>
    <message>
        <source>Open it</source>
        <translation>打开它</translation>
    </message>
    <message>
        <source>Show it</source>
        <translation>查看它</translation>
    </message>
    <message>
        <source>documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Loaded the settings and the seed of an earlier task: Generate repeats it exactly.</source>
        <translation>已载入之前任务的设置和种子：点“生成”会完全重复它。</translation>
    </message>
    <message>
        <source>Loaded the settings of an earlier task with a random seed: Generate makes a new variation.</source>
        <translation>已载入之前任务的设置，种子为随机：点“生成”会得到新的变化。</translation>
    </message>
    <message>
        <source>Make a batch?</source>
        <translation>批量生成？</translation>
    </message>
    <message>
        <source>%1 on: %2</source>
        <translation>%1 开启：%2</translation>
    </message>
    <message>
        <source>%1 off: %2</source>
        <translation>%1 关闭：%2</translation>
    </message>
    <message>
        <source>%1 “%2”: %3</source>
        <translation>%1“%2”：%3</translation>
    </message>
    <message numerus="yes">
        <source>You dropped %n images. Make one video from each?</source>
        <translation>
            <numerusform>您拖入了 %n 张图片。要为每张图片各生成一个视频吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>About %1 per video; each one is a separate task in the queue.</source>
        <translation>每个视频约 %1；每个都是队列中的独立任务。</translation>
    </message>
    <message numerus="yes">
        <source>Make %n videos</source>
        <translation>
            <numerusform>生成 %n 个视频</numerusform>
        </translation>
    </message>
    <message>
        <source>Use only the first</source>
        <translation>只用第一张</translation>
    </message>
    <message>
        <source>This tab has no field for %1 (%2).</source>
        <translation>这个标签页没有可以放%1的地方（%2）。</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>videos</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>No room for: %1</source>
        <translation>放不下：%1</translation>
    </message>
    <message>
        <source>Not an image, audio or video file: %1</source>
        <translation>不是图片、音频或视频文件：%1</translation>
    </message>
    <message>
        <source>1 file is not on this computer any more: drop it again where it is marked.</source>
        <translation>有 1 个文件已不在这台电脑上：请在标红处重新拖入。</translation>
    </message>
    <message numerus="yes">
        <source>%n files are not on this computer any more: drop them again where they are marked.</source>
        <translation>
            <numerusform>有 %n 个文件已不在这台电脑上：请在标红处重新拖入。</numerusform>
        </translation>
    </message>
    <message>
        <source>Price per second of finished video, by resolution. Only successful videos are billed.</source>
        <translation>按生成视频的秒数计价，分辨率不同价格不同。只有成功的视频才计费。</translation>
    </message>
    <message>
        <source>%1 s free</source>
        <translation>免费 %1 秒</translation>
    </message>
    <message>
        <source>%1 is not available in %2. Pick another model, or switch the region in Settings.</source>
        <translation>%1 在%2不可用。请换一个模型，或在设置里切换地区。</translation>
    </message>
    <message>
        <source>%1 answers only on your own workspace host in %2: enter the workspace id in Settings.</source>
        <translation>%1 在%2只能通过你的业务空间专属域名调用：请在“设置”里填写业务空间 ID。</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Function:</source>
        <translation>功能(&amp;F)：</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Videos:</source>
        <translation>数量(&amp;V)：</translation>
    </message>
    <message>
        <source>Before / after preview</source>
        <translation>编辑前后对比预览</translation>
    </message>
    <message>
        <source>Play the source video beside the edited one, in step</source>
        <translation>原视频与编辑后的视频并排同步播放</translation>
    </message>
    <message>
        <source>How many videos to make from these settings (each one is billed)</source>
        <translation>用这些设置生成几个视频（每个单独计费）</translation>
    </message>
    <message>
        <source>Number of videos</source>
        <translation>视频数量</translation>
    </message>
    <message>
        <source>Add to the queue (Ctrl+Enter)</source>
        <translation>加入队列（Ctrl+Enter）</translation>
    </message>
</context>
<context>
    <name>FieldFile</name>
    <message>
        <source>All files (*)</source>
        <extracomment>problems shown while editing (the rest wait for Generate: an empty form is not an error yet) the field an ``@{name}`` tag takes its name from (as the sandbox reads it) seconds a sum of durations may be over its limit before it counts (as the catalogue checks)</extracomment>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Remove this file</source>
        <translation>移除这个文件</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>none — drop an audio file on this row</source>
        <translation>未添加——把音频文件拖到这一行</translation>
    </message>
    <message>
        <source>none — drop an image on this row</source>
        <translation>未添加——把图片拖到这一行</translation>
    </message>
    <message>
        <source>none — drop a video on this row</source>
        <translation>未添加——把视频拖到这一行</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>≈</source>
        <comment>estimated amount prefix</comment>
        <translation>约</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
</context>
<context>
    <name>ItemRow</name>
    <message>
        <source>Insert “%1” into the prompt at the cursor</source>
        <translation>在提示词的光标处插入“%1”</translation>
    </message>
    <message>
        <source>Type a name in “%1” first; the prompt then refers to this item as @name.</source>
        <translation>请先在“%1”中填写名称，提示词里就可以用 @名称 指代它。</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>不设置</translation>
    </message>
</context>
<context>
    <name>ItemView</name>
    <message>
        <source>Remove this file</source>
        <translation>移除这个文件</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>检查中…</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>找不到</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>无预览</translation>
    </message>
    <message>
        <source>The service fetches this link itself.</source>
        <translation>服务会自行下载这个链接。</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Remove the mark</source>
        <translation>移除标记</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
</context>
<context>
    <name>Library</name>
    <message>
        <source>Film</source>
        <comment>a video stitched from a sequence of shots</comment>
        <extracomment>date filter → days back from today&apos;s midnight (0: since midnight) every row&apos;s flags (made once: selecting 10,000 rows asks for them 10,000 times)</extracomment>
        <translation>成片</translation>
    </message>
    <message>
        <source>Film · %1</source>
        <translation>成片 · %1</translation>
    </message>
    <message>
        <source>d MMM</source>
        <comment>date of a video this year</comment>
        <translation>M月d日</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <comment>date of a video of an earlier year</comment>
        <translation>yyyy年M月d日</translation>
    </message>
    <message>
        <source>1 shot</source>
        <translation>1 个镜头</translation>
    </message>
    <message>
        <source>%1 shots</source>
        <translation>%1 个镜头</translation>
    </message>
</context>
<context>
    <name>LibraryPicker</name>
    <message>
        <source>Add videos to the sequence</source>
        <translation>向片段序列添加视频</translation>
    </message>
    <message>
        <source>Select one or more finished videos (Ctrl or Shift to select several). They become new shots at the end, in the order they were made.</source>
        <translation>选择一个或多个已完成的视频（按住 Ctrl 或 Shift 可多选）。它们会按生成的先后顺序，作为新镜头加在末尾。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <source>Search prompts, models and task ids</source>
        <translation>搜索提示词、模型或任务 ID</translation>
    </message>
    <message>
        <source>Search the library</source>
        <translation>搜索作品库</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Kind of video</source>
        <translation>视频类型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed or needs attention</source>
        <translation>失败或待处理</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新优先</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早优先</translation>
    </message>
    <message>
        <source>Cost: high to low</source>
        <translation>费用从高到低</translation>
    </message>
    <message>
        <source>Longest first</source>
        <translation>时长最长优先</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Show only the videos you starred</source>
        <translation>只显示你收藏的视频</translation>
    </message>
    <message>
        <source>Favourites only</source>
        <translation>仅显示收藏</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>Also show videos you archived (they are marked “Archived”)</source>
        <translation>同时显示已归档的视频（标有“已归档”）</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play in the studio (double-click or Enter)</source>
        <translation>在工作室中播放（双击或按回车）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <source>Fill the form with this video&apos;s model, prompt, files and settings</source>
        <translation>用这个视频的模型、提示词、文件和参数填写表单</translation>
    </message>
    <message>
        <source>Open in system player</source>
        <translation>用系统播放器打开</translation>
    </message>
    <message>
        <source>Films</source>
        <translation>成片</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>续拍…</translation>
    </message>
    <message>
        <source>Add to sequence…</source>
        <translation>加入片段序列…</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>★ Favourite</source>
        <translation>★ 收藏</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Your videos</source>
        <translation>你的视频</translation>
    </message>
    <message>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <source>★ Favourites</source>
        <translation>★ 收藏</translation>
    </message>
    <message>
        <source>☆ Favourites</source>
        <translation>☆ 收藏</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln 个结果</numerusform>
        </translation>
    </message>
    <message>
        <source>No videos yet — what you make appears here</source>
        <translation>还没有视频——你生成的视频会出现在这里</translation>
    </message>
    <message>
        <source>Nothing matches — clear the filters</source>
        <translation>没有符合条件的视频——请清除筛选</translation>
    </message>
    <message>
        <source>Watch the selected videos side by side</source>
        <translation>并排观看所选视频</translation>
    </message>
    <message>
        <source>Select 2 to 4 finished videos to compare them</source>
        <translation>选择 2 到 4 个已完成的视频进行对比</translation>
    </message>
    <message>
        <source>A film is stitched from a sequence; it has no generation settings of its own</source>
        <translation>成片由片段序列拼接而成，没有自己的生成设置</translation>
    </message>
    <message>
        <source>Make the next shot: a new video that starts where this one ends</source>
        <translation>拍下一个镜头：从这段视频结束的地方接着拍</translation>
    </message>
    <message>
        <source>Add the selected videos to a sequence, as shots in this order</source>
        <translation>把选中的视频按当前顺序作为镜头加入片段序列</translation>
    </message>
    <message>
        <source>Only finished videos can be added to a sequence</source>
        <translation>只有已完成的视频才能加入片段序列</translation>
    </message>
    <message>
        <source>Star or unstar the selected videos</source>
        <translation>收藏或取消收藏所选视频</translation>
    </message>
    <message>
        <source>Unarchive</source>
        <translation>取消归档</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Archived videos leave the queue and stay here, marked “Archived”</source>
        <translation>归档的视频会离开队列，仍保留在这里并标为“已归档”</translation>
    </message>
    <message>
        <source>Move the selected videos to the system trash (Delete)</source>
        <translation>将所选视频移到系统回收站（Delete 键）</translation>
    </message>
    <message>
        <source>Tasks still in progress can&apos;t be deleted — cancel them in the queue first</source>
        <translation>进行中的任务不能删除——请先在队列中取消</translation>
    </message>
    <message>
        <source>Delete videos</source>
        <translation>删除视频</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n video(s)?</source>
        <translation>
            <numerusform>删除 %n 个视频？</numerusform>
        </translation>
    </message>
    <message>
        <source>The video files and their settings files (.json) go to the system trash, where you can restore them. They leave the library.</source>
        <translation>视频文件及其设置文件（.json）会移到系统回收站，可以从那里恢复。它们将从作品库中移除。</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) moved to the trash.</source>
        <translation>
            <numerusform>已将 %n 个视频移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>The trash is not available</source>
        <translation>回收站不可用</translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) could not be moved to the system trash. Their files are kept.</source>
        <translation>
            <numerusform>有 %n 个视频无法移到系统回收站，文件已保留。</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete them permanently instead? This cannot be undone.</source>
        <translation>要改为永久删除吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Delete permanently</source>
        <translation>永久删除</translation>
    </message>
    <message>
        <source>Keep the files</source>
        <translation>保留文件</translation>
    </message>
    <message numerus="yes">
        <source>Nothing was deleted for %n video(s).</source>
        <translation>
            <numerusform>%n 个视频均未删除。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) could not be deleted; their files are kept.</source>
        <translation>
            <numerusform>有 %n 个视频无法删除，文件已保留。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LimitSuggestion</name>
    <message>
        <source>Set a spending limit?</source>
        <translation>设置花费上限？</translation>
    </message>
    <message>
        <source>This is your first video on the paid service. A spending limit stops the app before it spends more than you planned: a click that would go past it is held and asks you first.</source>
        <translation>这是你在付费服务上生成的第一个视频。设了花费上限，应用就不会超出你的预算：哪次点击会超过上限，就先暂缓，问过你再提交。</translation>
    </message>
    <message>
        <source>&amp;Daily limit:</source>
        <translation>每日上限(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Monthly limit:</source>
        <translation>每月上限(&amp;M)：</translation>
    </message>
    <message>
        <source>You can change or remove the limits any time in Settings → Spending.</source>
        <translation>上限随时可以修改或取消（设置 → 花费）。</translation>
    </message>
    <message>
        <source>Set limits</source>
        <translation>设置上限</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>暂不设置</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Added %n task(s) to the queue.</source>
        <translation>
            <numerusform>已将 %n 个任务加入队列。</numerusform>
        </translation>
    </message>
    <message>
        <source>About Bailian Video Studio</source>
        <translation>关于百炼视频工作室</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Bailian Video Studio %1&lt;/h3&gt;&lt;p&gt;Video generation with Alibaba Cloud Model Studio (Bailian / DashScope): text, images, audio and video in; MP4 out.&lt;/p&gt;&lt;p&gt;Data folder: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;百炼视频工作室 %1&lt;/h3&gt;&lt;p&gt;基于阿里云百炼（DashScope）的视频生成：输入文字、图片、音频和视频，输出 MP4。&lt;/p&gt;&lt;p&gt;数据文件夹：%2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Could not start the backend: %1</source>
        <translation>无法启动后端：%1</translation>
    </message>
    <message>
        <source>%1 · workspace %2</source>
        <translation>%1 · 业务空间 %2</translation>
    </message>
    <message>
        <source>● Not connected</source>
        <translation>● 未连接</translation>
    </message>
    <message>
        <source>● Backend stopped</source>
        <translation>● 后端已停止</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>● Sandbox — free, local · %1</source>
        <translation>● 沙盒——免费、本地 · %1</translation>
    </message>
    <message>
        <source>Tasks run on the built-in sandbox at %1. Nothing is charged and nothing leaves this computer. Click to change.</source>
        <translation>任务在内置沙盒（%1）上运行。不收费，数据也不会离开本机。点击可切换。</translation>
    </message>
    <message>
        <source>● No API key — click to add one</source>
        <translation>● 没有 API 密钥——点击添加</translation>
    </message>
    <message>
        <source>Add your Model Studio API key in Settings, or switch to the sandbox.</source>
        <translation>请在设置里填写百炼 API 密钥，或切换到沙盒。</translation>
    </message>
    <message>
        <source>● Alibaba Cloud · %1</source>
        <translation>● 阿里云 · %1</translation>
    </message>
    <message>
        <source>Real service at %1; videos are billed per second.</source>
        <translation>真实服务：%1；视频按秒计费。</translation>
    </message>
    <message>
        <source>Bailian Video Studio</source>
        <translation>百炼视频工作室</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>沙盒</translation>
    </message>
    <message>
        <source>another program</source>
        <translation>另一个程序</translation>
    </message>
    <message>
        <source>Tasks in this folder are being run by %1; this window shows them and takes over when it exits.</source>
        <translation>%1正在运行这个文件夹里的任务；这个窗口会显示它们，它退出后由这个窗口接手。</translation>
    </message>
    <message>
        <source>This window now runs the tasks in this folder.</source>
        <translation>现在由这个窗口运行这个文件夹里的任务。</translation>
    </message>
    <message numerus="yes">
        <source>%n video(s) ready</source>
        <translation>
            <numerusform>%n 个视频已完成</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of the batch did not finish; see the queue.</source>
        <translation>
            <numerusform>这一批中有 %n 个未完成，请查看队列。</numerusform>
        </translation>
    </message>
    <message>
        <source>Video ready</source>
        <translation>视频已生成</translation>
    </message>
    <message>
        <source>A task needs your decision</source>
        <translation>有个任务需要你来确认</translation>
    </message>
    <message>
        <source>Choose finished videos to add them to a sequence.</source>
        <extracomment>What the window takes from a drop on its frame, the stage, the queue or the library: the settings of a video this app made (the MP4 carries them) or of its sidecar JSON.</extracomment>
        <translation>请选择已完成的视频，再把它们添加到片段序列。</translation>
    </message>
    <message>
        <source>Added 1 shot to the sequence.</source>
        <translation>已向片段序列添加 1 个镜头。</translation>
    </message>
    <message>
        <source>Added %1 shots to the sequence.</source>
        <translation>已向片段序列添加 %1 个镜头。</translation>
    </message>
    <message>
        <source>The new shot is in a sequence: see Sequences (Ctrl+3).</source>
        <translation>新镜头已放进片段序列：请到“片段序列”查看（Ctrl+3）。</translation>
    </message>
    <message>
        <source>Select 2 to 4 finished videos to compare them.</source>
        <translation>请选择 2 到 4 个已完成的视频进行对比。</translation>
    </message>
    <message>
        <source>Loaded the settings of an earlier task: Generate repeats it exactly.</source>
        <translation>已载入之前任务的设置：点“生成”会完全重复它。</translation>
    </message>
    <message>
        <source>Restore settings from a video</source>
        <translation>从视频恢复设置</translation>
    </message>
    <message>
        <source>Videos made by this app or their settings (*.mp4 *.mov *.json)</source>
        <translation>本应用生成的视频或其设置文件 (*.mp4 *.mov *.json)</translation>
    </message>
    <message>
        <source>No settings to restore</source>
        <translation>没有可恢复的设置</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>No usable %1: the key is kept for this session only.</source>
        <translation>没有可用的%1：密钥只在本次运行期间保存。</translation>
    </message>
    <message>
        <source>Task failed</source>
        <translation>任务失败</translation>
    </message>
    <message numerus="yes">
        <source>Bailian Video Studio — %n task(s) working</source>
        <translation>
            <numerusform>百炼视频工作室 — %n 个任务进行中</numerusform>
        </translation>
    </message>
    <message>
        <source>Bailian Video Studio — nothing working</source>
        <translation>百炼视频工作室 — 没有进行中的任务</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>V&amp;ideo</source>
        <translation>视频(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Restore settings from a video…</source>
        <translation>从视频恢复设置…</translation>
    </message>
    <message>
        <source>Export spending (CSV)…</source>
        <translation>导出花费记录（CSV）…</translation>
    </message>
    <message>
        <source>Prompt snippets…</source>
        <translation>提示词片段…</translation>
    </message>
    <message>
        <source>Or drop a video this app made (or its .json) anywhere on the window</source>
        <translation>也可以把本应用生成的视频（或其 .json）拖到窗口任意位置</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创作</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>作品库</translation>
    </message>
    <message>
        <source>Sequences</source>
        <translation>片段序列</translation>
    </message>
    <message>
        <source>Search the library</source>
        <translation>搜索作品库</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The form and the result (Ctrl+1)</source>
        <translation>表单与结果（Ctrl+1）</translation>
    </message>
    <message>
        <source>Every video you made (Ctrl+2)</source>
        <translation>你生成的所有视频（Ctrl+2）</translation>
    </message>
    <message>
        <source>Shots in order, made into one film (Ctrl+3)</source>
        <translation>按顺序排列镜头，拼接成一部成片（Ctrl+3）</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Play / pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Run again: new variation</source>
        <translation>再次生成：新变体</translation>
    </message>
    <message>
        <source>Exact repeat (same seed)</source>
        <translation>完全重复（相同种子）</translation>
    </message>
    <message>
        <source>Compare selected</source>
        <translation>对比所选</translation>
    </message>
    <message>
        <source>Archive / delete selected</source>
        <translation>归档 / 删除所选</translation>
    </message>
    <message>
        <source>In the queue: archive (kept in the library). In the library: delete to the trash, after asking.</source>
        <translation>在队列中：归档（作品库中仍保留）。在作品库中：确认后移到回收站。</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
</context>
<context>
    <name>MediaEditor</name>
    <message>
        <source>More inputs: %1</source>
        <extracomment>a first and a last frame side by side (the first &amp; last frame tab); elsewhere two *required* ones</extracomment>
        <translation>更多输入：%1</translation>
    </message>
    <message>
        <source>This model takes no media of type %1; those items were left out.</source>
        <translation>这个模型不接受 %1 类型的素材；这些素材已略去。</translation>
    </message>
    <message>
        <source>%1 not used: %2 take at most %3 files in all.</source>
        <translation>%1 未采用：%2合计最多 %3 个文件。</translation>
    </message>
</context>
<context>
    <name>MediaSection</name>
    <message>
        <source>Could not read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>%1 was not used: %2</source>
        <translation>%1 未采用：%2</translation>
    </message>
    <message>
        <source>%1 was not used: with it, “%2” would add up to %3 s; the limit is %4 s in all.</source>
        <translation>%1 未采用：加上它，“%2”合计 %3 秒，超过总时长上限 %4 秒。</translation>
    </message>
    <message>
        <source>%1 were not used: with them, “%2” would add up to %3 s; the limit is %4 s in all.</source>
        <translation>%1 未采用：加上它们，“%2”合计 %3 秒，超过总时长上限 %4 秒。</translation>
    </message>
    <message>
        <source>A web link starts with http:// or https://.</source>
        <translation>网页链接应以 http:// 或 https:// 开头。</translation>
    </message>
    <message numerus="yes">
        <source>Up to %n</source>
        <translation>
            <numerusform>最多 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exactly %n</source>
        <translation>
            <numerusform>需要正好 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1–%2 个</translation>
    </message>
    <message>
        <source>up to %1 MB</source>
        <extracomment>the order files were given in, across every zone (which of several zones got the newest) a tile of a strip (a zone that holds several files: references, a list of images)</extracomment>
        <translation>不超过 %1 MB</translation>
    </message>
    <message>
        <source>sides %1–%2 px</source>
        <translation>边长 %1–%2 像素</translation>
    </message>
    <message>
        <source>sides at least %1 px</source>
        <translation>边长至少 %1 像素</translation>
    </message>
    <message>
        <source>sides up to %1 px</source>
        <translation>边长不超过 %1 像素</translation>
    </message>
    <message>
        <source>%1–%2 s</source>
        <translation>%1–%2 秒</translation>
    </message>
    <message>
        <source>up to %1 s</source>
        <translation>不超过 %1 秒</translation>
    </message>
    <message>
        <source>%1 s in all</source>
        <translation>合计不超过 %1 秒</translation>
    </message>
    <message>
        <source>In the prompt: %1</source>
        <translation>提示词中写作：%1</translation>
    </message>
    <message>
        <source>Also takes: %1</source>
        <translation>还可附带：%1</translation>
    </message>
    <message>
        <source>A web page for the model to read: https://…</source>
        <translation>让模型读取的网页：https://…</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Model</source>
        <extracomment>the second line of an entry (price, length, sound, or why it cannot be picked) True on a maker&apos;s heading row</extracomment>
        <translation>模型</translation>
    </message>
    <message>
        <source>%1 · new</source>
        <translation>%1 · 新</translation>
    </message>
    <message>
        <source>needs a workspace id (Settings)</source>
        <translation>需要业务空间 ID（在设置中填写）</translation>
    </message>
    <message>
        <source>Not offered in %1</source>
        <translation>%1不提供</translation>
    </message>
    <message>
        <source>available in %1</source>
        <translation>%1可用</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/秒</translation>
    </message>
    <message>
        <source>/image</source>
        <translation>/张</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>%1 起</translation>
    </message>
    <message>
        <source>up to %1 s</source>
        <translation>最长 %1 秒</translation>
    </message>
    <message>
        <source>with sound</source>
        <translation>有声</translation>
    </message>
    <message>
        <source>sound on/off</source>
        <translation>可选有声</translation>
    </message>
    <message>
        <source>sound from your audio</source>
        <translation>用你的音频配声</translation>
    </message>
    <message>
        <source>keeps the sound</source>
        <translation>保留原声</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>无声</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Queue message</source>
        <translation>队列消息</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>NumberEditor</name>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
</context>
<context>
    <name>OptionalIntEditor</name>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
</context>
<context>
    <name>Queue</name>
    <message>
        <source>The video is already made: use “Save to…” to choose another folder. The download is free; nothing is generated again.</source>
        <translation>视频已经生成：点“保存到…”另选一个文件夹。下载免费，不会重新生成。</translation>
    </message>
    <message>
        <source>Check the API key in Settings; keys only work in their own region.</source>
        <translation>请在设置里检查 API 密钥；密钥只能在其所属地区使用。</translation>
    </message>
    <message>
        <source>Your quota for this model is used up; raise it in the Alibaba Cloud console.</source>
        <translation>该模型的额度已用完；请在阿里云控制台提高额度。</translation>
    </message>
    <message>
        <source>The service is busy. Run it again in a minute.</source>
        <translation>服务繁忙，请一分钟后再次运行。</translation>
    </message>
    <message>
        <source>Check your Alibaba Cloud account: billing, and access to this model.</source>
        <translation>请检查阿里云账号：账单状态以及该模型的开通情况。</translation>
    </message>
    <message>
        <source>The content check refused the prompt or a file. Change them, then run again.</source>
        <translation>内容审核未通过提示词或文件。请修改后再次运行。</translation>
    </message>
    <message>
        <source>Change the inputs as described, then use Run again.</source>
        <translation>请按提示修改输入，然后点“再次运行”。</translation>
    </message>
    <message>
        <source>A problem on the service side. Run it again later.</source>
        <translation>服务端出现问题，请稍后重新运行。</translation>
    </message>
</context>
<context>
    <name>QueueDock</name>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Open in system player</source>
        <translation>用系统播放器打开</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Save to… (free)</source>
        <translation>保存到…（免费）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Retry download (free)</source>
        <translation>重新下载（免费）</translation>
    </message>
    <message>
        <source>Resume tracking</source>
        <translation>继续跟踪</translation>
    </message>
    <message>
        <source>Copy task id</source>
        <translation>复制任务 ID</translation>
    </message>
    <message>
        <source>Copy request id</source>
        <translation>复制请求 ID</translation>
    </message>
    <message numerus="yes">
        <source>%n working</source>
        <translation>
            <numerusform>%n 个进行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n done</source>
        <translation>
            <numerusform>%n 个已完成</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n need attention</source>
        <translation>
            <numerusform>%n 个需要处理</numerusform>
        </translation>
    </message>
    <message>
        <source>today %1 (sandbox: not charged)</source>
        <translation>今日 %1（沙盒：不收费）</translation>
    </message>
    <message>
        <source>today %1</source>
        <translation>今日 %1</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>任务队列</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Retry download</source>
        <translation>重新下载</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续跟踪</translation>
    </message>
    <message>
        <source>Watch the task on the service again and download the video when it is ready; nothing is billed again</source>
        <translation>重新跟踪服务端的任务，视频生成后自动下载；不会重复计费</translation>
    </message>
    <message>
        <source>Download the finished video again into a folder you choose; this costs nothing while the service keeps the link</source>
        <translation>把已完成的视频重新下载到你选择的文件夹；链接有效期内不收费</translation>
    </message>
    <message>
        <source>Same settings, new variation: the settings go back into the form with a random seed, so Generate makes a different video</source>
        <translation>同样设置、新的变化：设置放回表单，种子为随机，点“生成”会得到不同的视频</translation>
    </message>
    <message>
        <source>Exact repeat (same seed): the settings and the seed go back into the form for one video, the same video again</source>
        <translation>完全重复（相同种子）：设置和种子放回表单，只生成 1 个，得到同一个视频</translation>
    </message>
    <message>
        <source>Save to another folder…</source>
        <translation>保存到其他文件夹…</translation>
    </message>
    <message>
        <source>Save to…</source>
        <translation>保存到…</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <source>Stop tracking — still billed</source>
        <extracomment>column widths when there is room; squeezed in this order (0: hidden) until the prompt keeps PROMPT_MIN made by ``ensure_built``; asking for one of them builds the body</extracomment>
        <translation>停止跟踪（仍会计费）</translation>
    </message>
    <message>
        <source>The service is generating it: it cannot be canceled and will be billed. Let it finish: the video is downloaded when ready. Stopping only stops watching it here; you can Resume tracking later.</source>
        <translation>服务端正在生成，无法取消，仍会计费。建议让它完成：生成后会自动下载视频。停止只是不再在这里跟踪它，之后可以“继续跟踪”。</translation>
    </message>
    <message>
        <source>Cancel or stop tracking</source>
        <translation>取消或停止跟踪</translation>
    </message>
    <message>
        <source>Tasks not sent yet are canceled and not billed. Tasks the service is already generating cannot be canceled: they are only no longer watched here, and are still billed.</source>
        <translation>尚未发送的任务会被取消，不计费。服务端已在生成的任务无法取消：只是不再在这里跟踪，仍会计费。</translation>
    </message>
    <message>
        <source>The service can still cancel a queued task; if it does, nothing is billed. If it has just started, it is only no longer watched here (and is billed).</source>
        <translation>排队中的任务服务端仍可取消，取消成功则不计费。如果它刚好已开始生成，则只是不再在这里跟踪（仍会计费）。</translation>
    </message>
    <message>
        <source>Nothing has been sent; nothing is billed.</source>
        <translation>尚未发送任何内容，不会计费。</translation>
    </message>
    <message>
        <source>Too late to cancel: it had already finished.</source>
        <translation>来不及取消：任务已经完成。</translation>
    </message>
    <message>
        <source>Too late to cancel: it had already ended (%1).</source>
        <translation>来不及取消：任务已经结束（%1）。</translation>
    </message>
    <message numerus="yes">
        <source>Archived %n tasks.</source>
        <translation>
            <numerusform>已归档 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <source>Save the video to…</source>
        <translation>把视频保存到…</translation>
    </message>
    <message>
        <source>Same settings, new variation</source>
        <translation>同样设置、新的变化</translation>
    </message>
    <message>
        <source>The seed is left random, so you get a different video</source>
        <translation>种子保持随机，会得到不同的视频</translation>
    </message>
    <message>
        <source>Exact repeat (same seed)</source>
        <translation>完全重复（相同种子）</translation>
    </message>
    <message>
        <source>One video with the same seed: the same video again</source>
        <translation>用相同种子生成 1 个：得到同一个视频</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Take it off the queue; it stays in the library with its video. You can undo this.</source>
        <translation>从队列中移出；任务和视频仍保留在作品库中，可以撤销。</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务列表</translation>
    </message>
    <message>
        <source>Task details</source>
        <translation>任务详情</translation>
    </message>
    <message>
        <source>Archive finished</source>
        <translation>归档已完成</translation>
    </message>
    <message>
        <source>Take done and canceled tasks off the queue. They stay in the library with their videos; nothing is deleted, and you can undo it.</source>
        <translation>将已完成和已取消的任务移出队列。它们连同视频仍保留在作品库中，不会删除任何内容，也可以撤销。</translation>
    </message>
    <message>
        <source>Run again: new variation</source>
        <translation>再来一次：新的变化</translation>
    </message>
    <message>
        <source>Exact repeat</source>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>Download the finished video again; this costs nothing</source>
        <translation>重新下载已生成的视频；不收费</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Preview</source>
        <extracomment>what data() answers: any other role Qt asks for while painting a cell is None at once not a failure: the engine cannot prove what the service did and waits for the person (amber, not red) the generation has taken this many times its usual time: say so instead of creeping towards 99 %</extracomment>
        <translation>预览</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Prompt / inputs</source>
        <translation>提示词 / 输入</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>free</source>
        <translation>免费</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>Waiting — next</source>
        <translation>等待中：下一个开始</translation>
    </message>
    <message>
        <source>Waiting — %1st in line</source>
        <translation>等待中：排第 %1 位</translation>
    </message>
    <message>
        <source>Waiting — %1nd in line</source>
        <translation>等待中：排第 %1 位</translation>
    </message>
    <message>
        <source>Waiting — %1rd in line</source>
        <translation>等待中：排第 %1 位</translation>
    </message>
    <message>
        <source>Waiting — %1th in line</source>
        <translation>等待中：排第 %1 位</translation>
    </message>
    <message>
        <source>Queued at the service</source>
        <translation>已在服务端排队</translation>
    </message>
    <message>
        <source>Taking longer than usual (typically %1)</source>
        <translation>比平时慢（通常约 %1）</translation>
    </message>
    <message>
        <source>%1 ~%2%</source>
        <translation>%1 约 %2%</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 · longer than usual</source>
        <translation>%1 · 比平时慢</translation>
    </message>
    <message>
        <source>%1 · ~%2 left</source>
        <translation>%1 · 约剩 %2</translation>
    </message>
    <message>
        <source>%1 · any moment</source>
        <translation>%1 · 即将完成</translation>
    </message>
    <message>
        <source>Nothing has been sent yet. Waiting tasks are sent oldest first, as fast as each model accepts them and within your limits in Settings.</source>
        <translation>尚未发送。等待中的任务按先后顺序发送，速度以各模型允许的提交频率为准，并遵守你在设置中的限制。</translation>
    </message>
    <message>
        <source>The service has the task and starts it when the model has room (it works on a few tasks of a model at once); cancelling it now is free. It gives no progress while a task is queued.</source>
        <translation>服务端已收到任务，模型有空位时开始生成（每个模型同时只处理少量任务）；现在取消不收费。排队期间服务端不提供进度。</translation>
    </message>
    <message>
        <source>This model usually takes about %1. The service gives no progress figures, so the app keeps checking until it is ready.</source>
        <translation>这个模型通常约需 %1。服务端不提供进度数据，应用会持续查询，直到视频生成完成。</translation>
    </message>
    <message>
        <source>The percentage is an estimate from how long this model usually takes (about %1); the service gives no progress figures.</source>
        <translation>百分比是按这个模型的通常耗时（约 %1）估算的；服务端不提供进度数据。</translation>
    </message>
    <message>
        <source>Task id: %1</source>
        <translation>任务 ID：%1</translation>
    </message>
    <message>
        <source>Billed, from the service&apos;s usage report</source>
        <translation>实际计费，来自服务的用量报告</translation>
    </message>
    <message>
        <source>Estimate before the run: %1</source>
        <translation>运行前的预估：%1</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <source>No tasks yet.
Choose a tab above, fill in the form and press Generate — your videos appear here with their progress.</source>
        <translation>还没有任务。
在上方选择一个标签页，填写表单后点“生成”——视频和进度会显示在这里。</translation>
    </message>
</context>
<context>
    <name>Restore</name>
    <message>
        <source>%1 was not made by Bailian Video Studio, so it carries no settings. Open a video this app made, or the .json file saved beside it.</source>
        <translation>“%1”不是百炼视频工作室生成的，因此不含生成设置。请打开本应用生成的视频，或保存在视频旁的 .json 文件。</translation>
    </message>
    <message>
        <source>Cannot open %1: %2.</source>
        <translation>无法打开“%1”：%2。</translation>
    </message>
    <message>
        <source>%1 is not a settings file of Bailian Video Studio. Open a video this app made, or the .json file saved beside it.</source>
        <translation>“%1”不是百炼视频工作室的设置文件。请打开本应用生成的视频，或保存在视频旁的 .json 文件。</translation>
    </message>
    <message>
        <source>The settings file %1 is damaged and cannot be read (%2).</source>
        <translation>设置文件“%1”已损坏，无法读取（%2）。</translation>
    </message>
    <message>
        <source>Open %1 instead: the video carries the same settings.</source>
        <translation>请改为打开“%1”：视频里保存着同样的设置。</translation>
    </message>
    <message>
        <source>Open the video it belongs to instead: the video carries the same settings.</source>
        <translation>请改为打开它对应的视频：视频里保存着同样的设置。</translation>
    </message>
    <message>
        <source>%1 is a film stitched from a sequence; it has no generation settings of its own — open the sequence instead.</source>
        <translation>%1 是由片段序列拼接成的成片，没有自己的生成设置——请改为打开对应的片段序列。</translation>
    </message>
    <message>
        <source>%1 was made with %2, a model this version of Bailian Video Studio does not know. Update the app to use its settings.</source>
        <translation>“%1”是用模型 %2 生成的，当前版本的百炼视频工作室不认识这个模型。请更新应用后再使用它的设置。</translation>
    </message>
    <message>
        <source>%1, seed %2</source>
        <translation>%1，种子 %2</translation>
    </message>
    <message>
        <source>Loaded the settings of “%1” (%2).</source>
        <translation>已载入“%1”的设置（%2）。</translation>
    </message>
    <message>
        <source>1 file is missing: %1 — drop it again.</source>
        <translation>缺少 1 个文件：%1，请重新拖入。</translation>
    </message>
    <message>
        <source>%1 files are missing: %2 — drop them again.</source>
        <translation>缺少 %1 个文件：%2，请重新拖入。</translation>
    </message>
</context>
<context>
    <name>ResultStage</name>
    <message>
        <source>Copied</source>
        <extracomment>wider than this, the request sits beside the player; narrower, under it</extracomment>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>复制%1</translation>
    </message>
    <message>
        <source>Before</source>
        <extracomment>the queue&apos;s model, when there is one: the stage then says a task&apos;s state in the same words</extracomment>
        <translation>原视频</translation>
    </message>
    <message>
        <source>After</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Elapsed %1</source>
        <translation>已用时 %1</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>any moment now</source>
        <translation>马上就好</translation>
    </message>
    <message>
        <source>estimated cost %1</source>
        <translation>预计费用 %1</translation>
    </message>
    <message>
        <source>This task was canceled.</source>
        <translation>此任务已取消。</translation>
    </message>
    <message>
        <source>This app stopped following this task.</source>
        <translation>本应用已停止跟踪此任务。</translation>
    </message>
    <message>
        <source>The service no longer keeps this result (it keeps them for 24 hours).</source>
        <translation>服务端已不再保留此结果（结果只保留 24 小时）。</translation>
    </message>
    <message>
        <source>It is not clear whether the service made this task.</source>
        <translation>无法确定服务端是否已创建此任务。</translation>
    </message>
    <message>
        <source>This task did not make a video.</source>
        <translation>此任务没有生成视频。</translation>
    </message>
    <message>
        <source>Service code: %1</source>
        <translation>服务错误码：%1</translation>
    </message>
    <message>
        <source>Decide in the queue what to do with it.</source>
        <translation>请在队列中决定如何处理它。</translation>
    </message>
    <message>
        <source>Change the settings if needed, then use “Use these settings” and Generate again.</source>
        <translation>如有需要请先修改设置，然后点“使用这些设置”，再点“生成”。</translation>
    </message>
    <message>
        <source>Film</source>
        <translation>成片</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>片段序列</translation>
    </message>
    <message>
        <source>(no prompt)</source>
        <translation>（无提示词）</translation>
    </message>
    <message>
        <source>the prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>the name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>the seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>%1 (estimate)</source>
        <translation>%1（预估）</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>已用时</translation>
    </message>
    <message>
        <source>Task id</source>
        <translation>任务 ID</translation>
    </message>
    <message>
        <source>the task id</source>
        <translation>任务 ID</translation>
    </message>
    <message>
        <source>Request id</source>
        <translation>请求 ID</translation>
    </message>
    <message>
        <source>the request id</source>
        <translation>请求 ID</translation>
    </message>
    <message>
        <source>Shots</source>
        <translation>镜头数</translation>
    </message>
    <message>
        <source>Cross-fade</source>
        <translation>交叉淡化</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>No charge: its shots were paid for when they were made</source>
        <translation>不另收费：各个镜头在生成时已计费</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Next shot queued in “%1”</source>
        <translation>下一个镜头已加入队列，归入“%1”</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Your video will play here</source>
        <translation>你的视频将在这里播放</translation>
    </message>
    <message>
        <source>Fill in the form on the left and press Generate. Double-click any task or library tile to watch it here.</source>
        <translation>在左侧填好表单，点“生成”。双击任意任务或作品库中的视频，即可在这里观看。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <source>Put these settings back into the form, with a new seed</source>
        <translation>把这些设置填回表单，并换一个新种子</translation>
    </message>
    <message>
        <source>Exact repeat</source>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>The same settings and the same seed</source>
        <translation>相同的设置，相同的种子</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>续拍</translation>
    </message>
    <message>
        <source>Make the next shot: a new video that starts where this one ends</source>
        <translation>拍下一个镜头：从这段视频结束的地方接着拍</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Open in system player</source>
        <translation>用系统播放器打开</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
</context>
<context>
    <name>SeedEditor</name>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Pick a random seed</source>
        <translation>随机选一个种子</translation>
    </message>
</context>
<context>
    <name>SequenceView</name>
    <message>
        <source>Sequences</source>
        <translation>片段序列</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Start a new, empty sequence</source>
        <translation>新建一个空的片段序列</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete the sequence; its videos stay in the library</source>
        <translation>删除这个片段序列；其中的视频仍保留在作品库中</translation>
    </message>
    <message>
        <source>Make a shot, then press Continue on it — or add videos from the library.</source>
        <translation>先生成一个镜头，再在它上面点“续拍”——或者从作品库添加视频。</translation>
    </message>
    <message>
        <source>New sequence</source>
        <translation>新建片段序列</translation>
    </message>
    <message>
        <source>Cross-fade:</source>
        <translation>叠化转场：</translation>
    </message>
    <message>
        <source>Cross-fade between shots</source>
        <translation>镜头之间的叠化转场</translation>
    </message>
    <message>
        <source>A short blend from one shot into the next in the film</source>
        <translation>成片中从一个镜头柔和过渡到下一个镜头</translation>
    </message>
    <message>
        <source>Make film</source>
        <translation>生成成片</translation>
    </message>
    <message>
        <source>Join the shots&apos; chosen takes into one MP4 (it appears in the library)</source>
        <translation>把各镜头选用的那一条拼接成一个 MP4（成片会出现在作品库中）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Hand the shots to a video editor</source>
        <translation>把镜头交给剪辑软件继续编辑</translation>
    </message>
    <message>
        <source>OpenTimelineIO (.otio)…</source>
        <translation>OpenTimelineIO (.otio)…</translation>
    </message>
    <message>
        <source>Final Cut Pro 7 XML (.xml)…</source>
        <translation>Final Cut Pro 7 XML (.xml)…</translation>
    </message>
    <message>
        <source>EDL (.edl)…</source>
        <translation>EDL (.edl)…</translation>
    </message>
    <message>
        <source>剪映 draft…</source>
        <translation>剪映草稿…</translation>
    </message>
    <message>
        <source>Add from library…</source>
        <translation>从作品库添加…</translation>
    </message>
    <message>
        <source>Add finished videos as new shots</source>
        <translation>把已完成的视频添加为新镜头</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Remove shot</source>
        <translation>移除镜头</translation>
    </message>
    <message>
        <source>Take the shot out of the sequence; its videos stay in the library</source>
        <translation>把这个镜头移出片段序列；它的视频仍保留在作品库中</translation>
    </message>
    <message>
        <source>Storyboard: drag a shot, or Alt+Left / Alt+Right, to reorder</source>
        <translation>故事板：拖动镜头或按 Alt+左/右方向键调整顺序</translation>
    </message>
    <message>
        <source>Drag a shot to reorder (or Alt+← / Alt+→)</source>
        <translation>拖动镜头调整顺序（或按 Alt+← / Alt+→）</translation>
    </message>
    <message>
        <source>This sequence has no shots yet. Add videos from the library, or press Continue on a result.</source>
        <translation>这个片段序列还没有镜头。从作品库添加视频，或在生成结果上点“续拍”。</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>1 shot</source>
        <translation>1 个镜头</translation>
    </message>
    <message>
        <source>%1 shots</source>
        <translation>%1 个镜头</translation>
    </message>
    <message>
        <source>%1 · %2 · cost so far %3</source>
        <translation>%1 · %2 · 已花费 %3</translation>
    </message>
    <message>
        <source>Shot %1</source>
        <translation>镜头 %1</translation>
    </message>
    <message>
        <source>continues shot %1</source>
        <translation>接续镜头 %1</translation>
    </message>
    <message>
        <source>No take yet: it appears here once it is submitted.</source>
        <translation>还没有视频：提交后会显示在这里。</translation>
    </message>
    <message>
        <source>Every take of this shot failed. Regenerate it, or remove the shot.</source>
        <translation>这个镜头的每一条都失败了。请重新生成，或移除这个镜头。</translation>
    </message>
    <message>
        <source>The first take is being made.</source>
        <translation>第一条正在生成。</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate — %1</source>
        <translation>重新生成 — %1</translation>
    </message>
    <message>
        <source>Make a new take of this shot: the same model, inputs and settings with a new seed</source>
        <translation>为这个镜头再生成一条：模型、输入和设置不变，换一个新种子</translation>
    </message>
    <message>
        <source>This shot has no take made here to repeat</source>
        <translation>这个镜头没有可以照着重新生成的视频</translation>
    </message>
    <message>
        <source>Name of the sequence:</source>
        <translation>片段序列名称：</translation>
    </message>
    <message>
        <source>Sequence %1</source>
        <translation>片段序列 %1</translation>
    </message>
    <message>
        <source>Rename sequence</source>
        <translation>重命名片段序列</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Delete sequence</source>
        <translation>删除片段序列</translation>
    </message>
    <message>
        <source>Delete the sequence “%1”?</source>
        <translation>删除片段序列“%1”？</translation>
    </message>
    <message>
        <source>Its shots go; the videos stay in the library, and films made from it stay too.</source>
        <translation>只删除其中的镜头安排；视频仍保留在作品库中，用它生成的成片也会保留。</translation>
    </message>
    <message>
        <source>Remove shot %1 from the sequence?</source>
        <translation>把镜头 %1 移出片段序列？</translation>
    </message>
    <message>
        <source>Its takes stay in the library.</source>
        <translation>它的视频仍保留在作品库中。</translation>
    </message>
    <message>
        <source>Add 1 video to:</source>
        <translation>把 1 个视频添加到：</translation>
    </message>
    <message>
        <source>Add %1 videos to:</source>
        <translation>把 %1 个视频添加到：</translation>
    </message>
    <message>
        <source>New sequence…</source>
        <translation>新建片段序列…</translation>
    </message>
    <message>
        <source>Shot %1 cannot be made again: %2</source>
        <translation>镜头 %1 无法重新生成：%2</translation>
    </message>
    <message>
        <source>Regenerate shot</source>
        <translation>重新生成镜头</translation>
    </message>
    <message>
        <source>Make a new take of shot %1 — about %2?</source>
        <translation>为镜头 %1 再生成一条——约 %2？</translation>
    </message>
    <message>
        <source>The same model, inputs and settings with a new seed. The other shots do not change.</source>
        <translation>模型、输入和设置不变，换一个新种子。其他镜头不受影响。</translation>
    </message>
    <message>
        <source>Sandbox: nothing is charged.</source>
        <translation>沙盒：不收费。</translation>
    </message>
    <message>
        <source>Make a new take</source>
        <translation>再生成一条</translation>
    </message>
    <message>
        <source>Canceled: no film was made.</source>
        <translation>已取消：没有生成成片。</translation>
    </message>
    <message>
        <source>Film saved: %1</source>
        <translation>成片已保存：%1</translation>
    </message>
    <message>
        <source>Choose the 剪映 drafts folder</source>
        <translation>选择剪映草稿文件夹</translation>
    </message>
    <message>
        <source>OpenTimelineIO (*.otio)</source>
        <translation>OpenTimelineIO (*.otio)</translation>
    </message>
    <message>
        <source>Final Cut Pro 7 XML (*.xml)</source>
        <translation>Final Cut Pro 7 XML (*.xml)</translation>
    </message>
    <message>
        <source>EDL (*.edl)</source>
        <translation>EDL (*.edl)</translation>
    </message>
    <message>
        <source>Export the sequence</source>
        <translation>导出片段序列</translation>
    </message>
    <message>
        <source>Exported “%1” (%2)</source>
        <translation>已导出“%1”（%2）</translation>
    </message>
    <message>
        <source>1 clip</source>
        <translation>1 个片段</translation>
    </message>
    <message>
        <source>%1 clips</source>
        <translation>%1 个片段</translation>
    </message>
    <message>
        <source>Shot %1, take %2</source>
        <translation>镜头 %1，第 %2 条</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>“%1” is not a workspace ID: use letters, digits and dashes only, as the console shows it.</source>
        <translation>“%1”不是业务空间 ID：只能包含字母、数字和短横线，请照控制台上显示的填写。</translation>
    </message>
    <message>
        <source>%1 has only workspace hosts: enter your workspace ID.</source>
        <translation>%1只提供业务空间专属域名：请填写你的业务空间 ID。</translation>
    </message>
    <message>
        <source>Optional. Wan 3.0, and every model in Germany (Frankfurt), answer only on your workspace&apos;s own host. The Model Studio console shows the ID of each workspace.</source>
        <translation>可选。万相3.0 以及德国（法兰克福）的所有模型只能通过你的业务空间专属域名调用。百炼控制台里可以看到每个业务空间的 ID。</translation>
    </message>
    <message>
        <source>Where should finished videos go?</source>
        <translation>生成的视频保存到哪里？</translation>
    </message>
    <message>
        <source>The built-in sandbox needs no key; it starts when you press OK.</source>
        <translation>内置沙盒不需要密钥；点“确定”后即启动。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>测试中…</translation>
    </message>
    <message>
        <source>✓ The sandbox answers.</source>
        <translation>✓ 沙盒响应正常。</translation>
    </message>
    <message>
        <source>✓ Connected: the key works in %1.</source>
        <translation>✓ 连接成功：密钥在%1可用。</translation>
    </message>
    <message>
        <source>Not tested</source>
        <translation>未测试</translation>
    </message>
    <message>
        <source>✓ OK: the built-in sandbox answers for this region</source>
        <translation>✓ 正常：内置沙盒代该地域应答</translation>
    </message>
    <message>
        <source>✓ OK: the key works here</source>
        <translation>✓ 正常：密钥在该地域可用</translation>
    </message>
    <message>
        <source>The sandbox starts when you press OK.</source>
        <translation>按“确定”后沙盒才会启动。</translation>
    </message>
    <message>
        <source>✗ Enter an API key first.</source>
        <translation>✗ 请先填写 API 密钥。</translation>
    </message>
    <message>
        <source>✗ API key rejected in this region — keys belong to one region; make a key in %1&apos;s console.</source>
        <translation>✗ 该地域拒绝了此 API 密钥——密钥只属于创建它的地域；请在%1的控制台创建密钥。</translation>
    </message>
    <message>
        <source>✗ Needs a workspace ID: this region has only workspace hosts.</source>
        <translation>✗ 需要业务空间 ID：该地域只有业务空间专属域名。</translation>
    </message>
    <message>
        <source>✗ Workspace ID “%1” not found in this region.</source>
        <translation>✗ 该地域找不到业务空间 ID“%1”。</translation>
    </message>
    <message>
        <source>✗ Cannot reach %1: %2</source>
        <translation>✗ 无法连接 %1：%2</translation>
    </message>
    <message>
        <source>✗ No answer from %1 within %2 s.</source>
        <translation>✗ %1 在 %2 秒内没有应答。</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <source>no such host name</source>
        <translation>找不到该主机名</translation>
    </message>
    <message>
        <source>the secure connection failed</source>
        <translation>安全连接（TLS）失败</translation>
    </message>
    <message>
        <source>the connection closed without an answer</source>
        <translation>连接未应答就断开了</translation>
    </message>
    <message>
        <source>The built-in sandbox answers for every region.</source>
        <translation>内置沙盒代所有地域应答。</translation>
    </message>
    <message>
        <source>built-in sandbox</source>
        <translation>内置沙盒</translation>
    </message>
    <message>
        <source>Your workspace&apos;s own host (Wan 3.0 answers only there).</source>
        <translation>你的业务空间专属域名（万相3.0 只在这里提供）。</translation>
    </message>
    <message>
        <source>The region&apos;s shared host.</source>
        <translation>该地域的公共域名。</translation>
    </message>
    <message>
        <source>This region has only workspace hosts: enter the workspace ID above.</source>
        <translation>该地域只有业务空间专属域名：请在上方填写业务空间 ID。</translation>
    </message>
    <message>
        <source>DASHSCOPE_HTTP_BASE_URL is set: the test goes to %1.</source>
        <translation>已设置 DASHSCOPE_HTTP_BASE_URL：测试实际发往 %1。</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Test the key in %1</source>
        <translation>在%1测试密钥</translation>
    </message>
    <message>
        <source>Using the key from the environment variable DASHSCOPE_API_KEY (%1).</source>
        <translation>正在使用环境变量 DASHSCOPE_API_KEY 中的密钥（%1）。</translation>
    </message>
    <message>
        <source>Kept for this session only: %1</source>
        <translation>仅在本次运行期间保存：%1</translation>
    </message>
    <message>
        <source>Get a key: &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt;</source>
        <translation>获取密钥：&lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt;</translation>
    </message>
    <message>
        <source>%1 (leave empty to keep it)</source>
        <translation>%1（留空则保持不变）</translation>
    </message>
    <message>
        <source>sk-… from the Model Studio console</source>
        <translation>sk-…（在百炼控制台获取）</translation>
    </message>
    <message>
        <source>&lt;b&gt;This computer has no usable %1&lt;/b&gt; (%2). Your key is kept only while the app runs and is never written to a file. To keep it between runs, set up a %1 (GNOME Keyring or KWallet on Linux) or set the DASHSCOPE_API_KEY environment variable.</source>
        <translation>&lt;b&gt;这台电脑没有可用的%1&lt;/b&gt;（%2）。密钥只在程序运行期间保存在内存中，绝不写入文件。如需长期保存，请配置%1（Linux 上可用 GNOME Keyring 或 KWallet），或设置环境变量 DASHSCOPE_API_KEY。</translation>
    </message>
    <message>
        <source>system keychain</source>
        <translation>系统钥匙串</translation>
    </message>
    <message>
        <source>Windows Credential Manager</source>
        <translation>Windows 凭据管理器</translation>
    </message>
    <message>
        <source>system keyring</source>
        <translation>系统密钥环</translation>
    </message>
    <message>
        <source>Daily and monthly limits can be set once the backend runs.</source>
        <translation>后端运行后才能设置每日和每月上限。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Limits for the built-in sandbox&lt;/b&gt; (nothing is charged there). The paid service keeps its own limits: switch to it to set them.</source>
        <translation>&lt;b&gt;内置沙盒的上限&lt;/b&gt;（沙盒不扣费）。付费服务有自己的上限：切换到付费服务后再设置。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Limits for the paid service&lt;/b&gt; (Alibaba Cloud Model Studio). The sandbox keeps its own.</source>
        <translation>&lt;b&gt;付费服务的上限&lt;/b&gt;（阿里云百炼）。沙盒另有自己的上限。</translation>
    </message>
    <message>
        <source>Spent so far: %1 today, %2 this month.</source>
        <translation>已花费：今日 %1，本月 %2。</translation>
    </message>
    <message>
        <source>When a click of Generate would go past a limit, the app holds it and asks: raise the limit, submit anyway, or don&apos;t submit. Off: no limit.</source>
        <translation>某次点击“生成”会超过上限时，应用会先暂缓并询问：提高上限、仍然提交，或不提交。“不限”即没有上限。</translation>
    </message>
    <message>
        <source>Stored in the %1 (%2): %3</source>
        <translation>已保存在%1（%2）中：%3</translation>
    </message>
    <message>
        <source>No key yet. New keys are stored in the %1 (%2), never in a file.</source>
        <translation>尚未设置密钥。新密钥会保存在%1（%2）中，绝不写入文件。</translation>
    </message>
    <message>
        <source>no %1 service is running</source>
        <translation>没有正在运行的%1服务</translation>
    </message>
    <message>
        <source>the %1 cannot be used here</source>
        <translation>%1在这里无法使用</translation>
    </message>
    <message>
        <source>the %1 library could not start</source>
        <translation>%1组件无法启动</translation>
    </message>
    <message numerus="yes">
        <source>Not available in this region (%n model(s)): %1</source>
        <translation>
            <numerusform>该地区不可用（%n 个模型）：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Every model is available in this region.</source>
        <translation>该地区可以使用所有模型。</translation>
    </message>
    <message>
        <source>A kitten runs under the moon</source>
        <translation>一只小猫在月光下奔跑</translation>
    </message>
    <message>
        <source>Example: %1</source>
        <translation>示例：%1</translation>
    </message>
    <message>
        <source>Fields: {date} {time} {datetime} {model} {prompt} {seed} {id} {task_id} {function}</source>
        <translation>可用字段：{date} {time} {datetime} {model} {prompt} {seed} {id} {task_id} {function}</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Alibaba Cloud Model Studio (real videos, billed per second)</source>
        <translation>阿里云百炼（真实生成，按秒计费）</translation>
    </message>
    <message>
        <source>Built-in sandbox (free and local: nothing leaves this computer)</source>
        <translation>内置沙盒（免费、本地运行：数据不会离开本机）</translation>
    </message>
    <message>
        <source>The sandbox answers like the real service and renders simple test videos, so you can try every tab without a key.</source>
        <translation>沙盒的行为与真实服务一致，并会生成简单的测试视频，无需密钥即可试用每个标签页。</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>&amp;Region:</source>
        <translation>地区(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Workspace ID:</source>
        <translation>业务空间 ID(&amp;W)：</translation>
    </message>
    <message>
        <source>Optional: the ID as the Model Studio console shows it</source>
        <translation>可选：照百炼控制台上显示的填写</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Each region on its own: a key works only in the region where it was made.</source>
        <translation>逐个地域测试：密钥只能在创建它的地域使用。</translation>
    </message>
    <message>
        <source>Test all</source>
        <translation>全部测试</translation>
    </message>
    <message>
        <source>Finished videos</source>
        <translation>生成的视频</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>文件名(&amp;N)：</translation>
    </message>
    <message>
        <source>Spending</source>
        <translation>花费</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Play a sound with notifications</source>
        <translation>通知时播放提示音</translation>
    </message>
    <message>
        <source>A notification comes when videos are ready or a task needs you while the window is in the background</source>
        <translation>窗口在后台时，视频完成或任务需要你处理时会发出通知</translation>
    </message>
    <message>
        <source>&amp;Confirm:</source>
        <translation>确认阈值(&amp;C)：</translation>
    </message>
    <message>
        <source>Ask before more than</source>
        <translation>超过</translation>
    </message>
    <message>
        <source>videos or</source>
        <translation>个视频或</translation>
    </message>
    <message>
        <source>in one go</source>
        <translation>时先确认</translation>
    </message>
    <message>
        <source>Before one click of Generate queues more videos or costs more than this, the app shows the total and asks. Nothing is charged in the sandbox, so it does not ask there.</source>
        <translation>一次点击“生成”要加入的视频数或预计金额超过这里的值时，会先显示总数和金额并询问。沙盒不收费，因此不会询问。</translation>
    </message>
    <message>
        <source>&amp;Daily limit:</source>
        <translation>每日上限(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Monthly limit:</source>
        <translation>每月上限(&amp;M)：</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <source>Tasks at once (all models):</source>
        <translation>同时运行的任务数（所有模型）：</translation>
    </message>
    <message>
        <source>No limit (the service queues them)</source>
        <translation>不限（由服务端排队）</translation>
    </message>
    <message>
        <source>By default every task goes to the service at once (as fast as each model may be sent to); the service works on as many as the model allows and keeps the rest waiting, free to cancel. They go on while this app is closed. Set a number to keep the rest waiting on this computer instead.</source>
        <translation>默认情况下，每个任务都会立即发往服务端（按各模型允许的提交速度）；服务端按模型的并发上限处理，其余的在服务端排队，排队期间可免费取消，关闭本应用后仍会继续。设置一个数字，则多出的任务改为在本机等待。</translation>
    </message>
    <message>
        <source>Stop waiting after (hours):</source>
        <translation>最长等待（小时）：</translation>
    </message>
    <message>
        <source>Tasks at once per model (the service&apos;s limit is the maximum):</source>
        <translation>每个模型同时运行的任务数（不超过服务的上限）：</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>At once</source>
        <translation>同时运行</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>SnippetButton</name>
    <message>
        <source>Snippets ▾</source>
        <translation>片段 ▾</translation>
    </message>
    <message>
        <source>Prompt snippets</source>
        <translation>提示词片段</translation>
    </message>
    <message>
        <source>Insert a saved bit of prompt (camera moves, light, styles…) at the cursor; also in the field&apos;s right-click menu</source>
        <translation>在光标处插入常用的提示词片段（运镜、光线、风格…）；右键菜单中也可以插入</translation>
    </message>
</context>
<context>
    <name>SnippetList</name>
    <message>
        <source>Search snippets</source>
        <extracomment>the person&apos;s own snippets and categories get ids with these prefixes (the starter set&apos;s are plain words) after these the text is already separated (closing ones get a space in English)</extracomment>
        <translation>搜索片段</translation>
    </message>
    <message>
        <source>Prompt snippets</source>
        <translation>提示词片段</translation>
    </message>
    <message>
        <source>Manage snippets…</source>
        <translation>管理片段…</translation>
    </message>
    <message>
        <source>No snippet matches.</source>
        <translation>没有匹配的片段。</translation>
    </message>
</context>
<context>
    <name>SnippetTools</name>
    <message>
        <source>Insert snippet</source>
        <extracomment>the person has put the cursor somewhere since the text was last filled in for them (restored, run again): else a snippet goes at the end, not at the start where filling left the cursor</extracomment>
        <translation>插入片段</translation>
    </message>
    <message>
        <source>Manage snippets…</source>
        <translation>管理片段…</translation>
    </message>
    <message>
        <source>Prompt snippets</source>
        <translation>提示词片段</translation>
    </message>
</context>
<context>
    <name>Snippets</name>
    <message>
        <source>Your snippets file %1 could not be read, so the starter set is shown.</source>
        <translation>无法读取你的片段文件 %1，现在显示的是内置片段。</translation>
    </message>
    <message>
        <source>Your snippets file could not be read, so the starter set is in use. The damaged file was kept as %1 in %2.</source>
        <translation>无法读取你的片段文件，现在使用的是内置片段。损坏的文件已另存为 %2 中的 %1。</translation>
    </message>
</context>
<context>
    <name>SnippetsDialog</name>
    <message>
        <source>Prompt snippets</source>
        <translation>提示词片段</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>分类：</translation>
    </message>
    <message>
        <source>Title (Chinese):</source>
        <translation>中文标题：</translation>
    </message>
    <message>
        <source>Title (English):</source>
        <translation>英文标题：</translation>
    </message>
    <message>
        <source>Text (Chinese):</source>
        <translation>中文内容：</translation>
    </message>
    <message>
        <source>Text (English):</source>
        <translation>英文内容：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Restore the starter set…</source>
        <translation>恢复内置片段…</translation>
    </message>
    <message>
        <source>Changes are saved at once. The snippet&apos;s text in the app&apos;s language is inserted (the other one where it is empty).</source>
        <translation>修改会立即保存。插入时使用与界面语言相同的内容（该语言为空时使用另一种语言）。</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>（无标题）</translation>
    </message>
    <message>
        <source>The snippets could not be saved to %1: %2</source>
        <translation>无法把片段保存到 %1：%2</translation>
    </message>
    <message>
        <source>My snippets</source>
        <translation>我的片段</translation>
    </message>
    <message>
        <source>Delete the snippet “%1”?</source>
        <translation>删除片段“%1”？</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Bring back the starter snippets as they came with the app? Starter snippets you changed or deleted return as they were; the snippets you added stay.</source>
        <translation>恢复应用自带的内置片段？你修改或删除过的内置片段会恢复原样，你自己添加的片段会保留。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
</context>
<context>
    <name>SpendBadge</name>
    <message>
        <source>Today %1 · This month %2</source>
        <translation>今日 %1 · 本月 %2</translation>
    </message>
    <message>
        <source>Spending: %1</source>
        <translation>花费：%1</translation>
    </message>
    <message>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>images</source>
        <translation>张图片</translation>
    </message>
    <message>
        <source>free quota left: %1 of %2 %3</source>
        <translation>免费额度剩余 %1 %3（共 %2 %3）</translation>
    </message>
    <message>
        <source>Today by model:</source>
        <translation>今日各模型花费：</translation>
    </message>
    <message>
        <source>Nothing spent today; every free quota is untouched.</source>
        <translation>今天还没有花费；免费额度都还没用过。</translation>
    </message>
    <message>
        <source>Click to set daily and monthly limits.</source>
        <translation>点击设置每日和每月上限。</translation>
    </message>
    <message>
        <source>Spending in the sandbox (nothing is charged)</source>
        <translation>沙盒中的花费（不扣费）</translation>
    </message>
    <message>
        <source>Spending on the paid service</source>
        <translation>付费服务的花费</translation>
    </message>
</context>
<context>
    <name>Spending</name>
    <message>
        <source>Today: %1 spent, daily limit %2.</source>
        <extracomment>what the first-paid-use suggestion offers (yuan) the badge turns amber from this share of a limit, red when it is reached</extracomment>
        <translation>今日已花 %1，每日上限 %2。</translation>
    </message>
    <message>
        <source>Today: %1 spent, no daily limit.</source>
        <translation>今日已花 %1，未设每日上限。</translation>
    </message>
    <message>
        <source>This month: %1 spent, monthly limit %2.</source>
        <translation>本月已花 %1，每月上限 %2。</translation>
    </message>
    <message>
        <source>This month: %1 spent, no monthly limit.</source>
        <translation>本月已花 %1，未设每月上限。</translation>
    </message>
</context>
<context>
    <name>SpendingCsv</name>
    <message>
        <source>Export spending</source>
        <translation>导出花费记录</translation>
    </message>
    <message>
        <source>The backend is not running, so there is no spending to export yet.</source>
        <translation>后端还没有运行，暂时没有可导出的花费记录。</translation>
    </message>
    <message>
        <source>Export spending as CSV</source>
        <translation>将花费记录导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Could not save the spending list</source>
        <translation>无法保存花费记录</translation>
    </message>
    <message>
        <source>%1 could not be written: %2.</source>
        <translation>无法写入 %1：%2。</translation>
    </message>
    <message>
        <source>Nothing is lost: the spending stays in the app. Choose a folder you can write to (such as Documents), or close the program that has the file open, and save again.</source>
        <translation>没有丢失任何数据：花费记录仍保存在应用里。请换一个可以写入的文件夹（例如“文档”），或关闭正在使用该文件的程序，再保存一次。</translation>
    </message>
    <message>
        <source>Choose another place…</source>
        <translation>换个位置…</translation>
    </message>
    <message>
        <source>Saved 1 row to %1</source>
        <translation>已保存 1 行到 %1</translation>
    </message>
    <message>
        <source>Saved %2 rows to %1</source>
        <translation>已保存 %2 行到 %1</translation>
    </message>
</context>
<context>
    <name>StoryboardDelegate</name>
    <message>
        <source>The file was moved or deleted</source>
        <translation>文件已被移动或删除</translation>
    </message>
    <message>
        <source>No picture</source>
        <translation>读不出画面</translation>
    </message>
    <message>
        <source>All takes failed</source>
        <translation>每一条都失败了</translation>
    </message>
    <message>
        <source>No take yet</source>
        <translation>还没有视频</translation>
    </message>
    <message>
        <source>Shot %1</source>
        <translation>镜头 %1</translation>
    </message>
    <message>
        <source>The take failed</source>
        <translation>这一条失败了</translation>
    </message>
    <message>
        <source>All %1 takes failed</source>
        <translation>%1 条都失败了</translation>
    </message>
    <message>
        <source>1 take</source>
        <translation>1 条</translation>
    </message>
    <message>
        <source>%1 takes</source>
        <translation>%1 条</translation>
    </message>
</context>
<context>
    <name>StoryboardModel</name>
    <message>
        <source>Shot %1</source>
        <translation>镜头 %1</translation>
    </message>
</context>
<context>
    <name>StrListEditor</name>
    <message>
        <source>Add reference images first.</source>
        <translation>请先添加参考图。</translation>
    </message>
</context>
<context>
    <name>TakeCard</name>
    <message>
        <source>Take %1</source>
        <translation>第 %1 条</translation>
    </message>
    <message>
        <source>In the film</source>
        <translation>用于成片</translation>
    </message>
    <message>
        <source>Use this take</source>
        <translation>用这一条</translation>
    </message>
    <message>
        <source>The film uses this take for the shot</source>
        <translation>成片中这个镜头用这一条</translation>
    </message>
    <message>
        <source>Only a finished take can be used</source>
        <translation>只能选用已完成的一条</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Use take %1</source>
        <translation>用第 %1 条</translation>
    </message>
    <message>
        <source>Play take %1</source>
        <translation>播放第 %1 条</translation>
    </message>
    <message>
        <source>The file was moved or deleted</source>
        <translation>文件已被移动或删除</translation>
    </message>
    <message>
        <source>No picture</source>
        <translation>读不出画面</translation>
    </message>
</context>
<context>
    <name>TextEditor</name>
    <message>
        <source>Describe the video: who or what, where, how it moves, the camera, the light…</source>
        <extracomment>the label of a choice combo&apos;s &quot;leave it out&quot; entry (shown translated) the editor shows its own label (check boxes)</extracomment>
        <translation>描述视频：主体是谁或什么、在哪里、怎样运动、镜头、光线…</translation>
    </message>
    <message>
        <source>Optional: what you do not want to see</source>
        <translation>可选：不希望出现的内容</translation>
    </message>
    <message>
        <source>Optional, e.g. flying, squish, carousel</source>
        <translation>可选，例如 flying、squish、carousel</translation>
    </message>
</context>
<context>
    <name>TileDelegate</name>
    <message>
        <source>The file was moved or deleted</source>
        <translation>文件已被移动或删除</translation>
    </message>
    <message>
        <source>No picture can be read from this file</source>
        <translation>无法从这个文件读取画面</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
</context>
<context>
    <name>VideoGrid</name>
    <message>
        <source>Pause</source>
        <extracomment>with the context spelled out, so a subclass (BeforeAfter) finds these translations too</extracomment>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>暂停（空格键）</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格键）</translation>
    </message>
    <message>
        <source>Leave full screen</source>
        <translation>退出全屏</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Leave full screen (Esc)</source>
        <translation>退出全屏（Esc）</translation>
    </message>
    <message>
        <source>Full screen (F)</source>
        <translation>全屏（F）</translation>
    </message>
    <message>
        <source>The video file is not there any more:
%1</source>
        <translation>视频文件已不在原处：
%1</translation>
    </message>
    <message>
        <source>This video cannot be played here: %1</source>
        <translation>无法在这里播放该视频：%1</translation>
    </message>
    <message>
        <source>its format is not supported</source>
        <translation>不支持该格式</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Hear this video</source>
        <translation>听这个视频的声音</translation>
    </message>
    <message>
        <source>Sound from %1</source>
        <translation>播放“%1”的声音</translation>
    </message>
    <message>
        <source>Video player</source>
        <translation>视频播放器</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>播放进度</translation>
    </message>
    <message>
        <source>Previous frame</source>
        <translation>上一帧</translation>
    </message>
    <message>
        <source>Previous frame (←)</source>
        <translation>上一帧（←）</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>下一帧</translation>
    </message>
    <message>
        <source>Next frame (→)</source>
        <translation>下一帧（→）</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>循环播放</translation>
    </message>
    <message>
        <source>Start again at the end</source>
        <translation>播完后从头再播</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>Welcome to Bailian Video Studio</source>
        <translation>欢迎使用百炼视频工作室</translation>
    </message>
    <message>
        <source>To make real videos you need an API key from Alibaba Cloud Model Studio (Bailian); videos are billed per second.&lt;br&gt;&lt;br&gt;No key yet? Try the &lt;b&gt;built-in sandbox&lt;/b&gt; first: it is free, runs on this computer, and nothing leaves it. You can switch any time in Settings.</source>
        <translation>要生成真实视频，需要阿里云百炼的 API 密钥；视频按秒计费。&lt;br&gt;&lt;br&gt;还没有密钥？先试试&lt;b&gt;内置沙盒&lt;/b&gt;：免费、在本机运行，数据不会离开本机。随时可以在设置里切换。</translation>
    </message>
    <message>
        <source>Try the sandbox</source>
        <translation>试用沙盒</translation>
    </message>
    <message>
        <source>Enter my API key…</source>
        <translation>填写我的 API 密钥…</translation>
    </message>
</context>
</TS>
