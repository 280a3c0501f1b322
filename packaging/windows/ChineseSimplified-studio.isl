; Simplified Chinese for the installer and uninstaller of Bailian Video Studio (百炼视频工作室),
; written for this app: the messages a per-user install, upgrade or removal of it can show. It is
; layered over a complete messages file (installer.iss: Inno Setup's own ChineseSimplified.isl
; when the compiler has it or the release workflow fetched it, else Default.isl), so a message not
; given here comes from that file. Message names are Inno Setup 6.4's (compiler:Default.isl); the
; compiler rejects a name it does not know. UTF-8 with a byte-order mark, as Inno Setup requires.

[LangOptions]
LanguageName=简体中文
LanguageID=$0804
LanguageCodePage=0

[Messages]
SetupAppTitle=安装
SetupWindowTitle=安装 - %1
UninstallAppTitle=卸载
UninstallAppFullTitle=卸载 %1

InformationTitle=信息
ConfirmTitle=确认
ErrorTitle=错误

SetupLdrStartupMessage=将要安装 %1。是否继续？
LdrCannotCreateTemp=无法创建临时文件，安装已中止。请检查系统临时文件夹是否可写。
LdrCannotExecTemp=无法运行临时文件夹中的文件，安装已中止。安全软件可能拦截了它，请允许后重试。

LastErrorMessage=%1。%n%n错误 %2：%3
SetupFileMissing=安装文件夹中缺少文件 %1。请重新下载安装程序。
SetupFileCorrupt=安装文件已损坏。请重新下载安装程序。
SetupFileCorruptOrWrongVer=安装文件已损坏，或与此版本的安装程序不兼容。请重新下载安装程序。
InvalidParameter=命令行参数无效：%n%n%1
SetupAlreadyRunning=安装程序已在运行。
WindowsVersionNotSupported=此程序不支持本机的 Windows 版本，需要 Windows 10 或更新版本。
OnlyOnTheseArchitectures=此程序只能安装在以下处理器架构的 Windows 上：%n%n%1
WinVersionTooLowError=此程序需要 %1 %2 或更新版本。
SetupAppRunningError=%1 正在运行。%n%n请先关闭它的所有窗口，然后点击“确定”继续，或点击“取消”退出。
UninstallAppRunningError=%1 正在运行。%n%n请先关闭它的所有窗口，然后点击“确定”继续，或点击“取消”退出。

ErrorCreatingDir=无法创建文件夹“%1”

ExitSetupTitle=退出安装
ExitSetupMessage=安装尚未完成。现在退出，程序将不会被安装。%n%n您可以稍后再次运行安装程序完成安装。%n%n确定退出安装吗？
AboutSetupMenuItem=关于安装程序(&A)...
AboutSetupTitle=关于安装程序

ButtonBack=< 上一步(&B)
ButtonNext=下一步(&N) >
ButtonInstall=安装(&I)
ButtonOK=确定
ButtonCancel=取消
ButtonYes=是(&Y)
ButtonYesToAll=全部是(&A)
ButtonNo=否(&N)
ButtonNoToAll=全部否(&O)
ButtonFinish=完成(&F)
ButtonBrowse=浏览(&B)...
ButtonWizardBrowse=浏览(&R)...
ButtonNewFolder=新建文件夹(&M)

SelectLanguageTitle=选择安装语言
SelectLanguageLabel=选择安装时使用的语言。

ClickNext=点击“下一步”继续，或点击“取消”退出安装。
BrowseDialogTitle=浏览文件夹
BrowseDialogLabel=在下面的列表中选择一个文件夹，然后点击“确定”。
NewFolderName=新建文件夹

WelcomeLabel1=欢迎使用 [name] 安装向导
WelcomeLabel2=将在您的电脑上安装 [name/ver]。%n%n只为当前用户安装，不需要管理员权限。

WizardSelectDir=选择安装位置
SelectDirDesc=要将 [name] 安装到哪里？
SelectDirLabel3=安装程序将把 [name] 安装到以下文件夹。
SelectDirBrowseLabel=点击“下一步”继续。如需选择其他文件夹，请点击“浏览”。
DiskSpaceGBLabel=至少需要 [gb] GB 可用磁盘空间。
DiskSpaceMBLabel=至少需要 [mb] MB 可用磁盘空间。
CannotInstallToNetworkDrive=不能安装到网络驱动器。
CannotInstallToUNCPath=不能安装到 UNC 路径。
InvalidPath=请输入带盘符的完整路径，例如：%n%nC:\APP%n%n或如下形式的 UNC 路径：%n%n\\server\share
InvalidDrive=所选的驱动器或 UNC 共享不存在或无法访问，请另选一个。
DiskSpaceWarningTitle=磁盘空间不足
DiskSpaceWarning=安装至少需要 %1 KB 可用空间，但所选驱动器只有 %2 KB。%n%n仍要继续吗？
DirNameTooLong=文件夹名称或路径太长。
InvalidDirName=文件夹名称无效。
BadDirName32=文件夹名称不能包含以下字符：%n%n%1
DirExistsTitle=文件夹已存在
DirExists=文件夹：%n%n%1%n%n已经存在。仍要安装到这个文件夹吗？
DirDoesntExistTitle=文件夹不存在
DirDoesntExist=文件夹：%n%n%1%n%n不存在。要创建它吗？

WizardSelectTasks=选择附加任务
SelectTasksDesc=要执行哪些附加任务？
SelectTasksLabel2=选择安装 [name] 时要执行的附加任务，然后点击“下一步”。

WizardReady=准备安装
ReadyLabel1=安装程序已准备好在您的电脑上安装 [name]。
ReadyLabel2a=点击“安装”开始安装；如需查看或更改设置，请点击“上一步”。
ReadyLabel2b=点击“安装”开始安装。
ReadyMemoDir=安装位置：
ReadyMemoGroup=开始菜单文件夹：
ReadyMemoTasks=附加任务：

WizardPreparing=正在准备安装
PreparingDesc=安装程序正在准备在您的电脑上安装 [name]。
PreviousInstallNotCompleted=上一个程序的安装或卸载尚未完成，需要重启电脑才能完成。%n%n请重启电脑后再次运行安装程序，完成 [name] 的安装。
CannotContinue=安装无法继续。请点击“取消”退出。
ApplicationsFound=以下程序正在使用安装程序需要更新的文件。建议允许安装程序自动关闭这些程序。
ApplicationsFound2=以下程序正在使用安装程序需要更新的文件。建议允许安装程序自动关闭这些程序。安装完成后，安装程序会尝试重新启动它们。
CloseApplications=自动关闭这些程序(&A)
DontCloseApplications=不关闭这些程序(&D)
ErrorCloseApplications=安装程序无法自动关闭所有程序。建议先关闭所有正在使用需更新文件的程序，再继续安装。
PrepareToInstallNeedsRestart=安装程序需要重启电脑。重启后请再次运行安装程序，完成 [name] 的安装。%n%n现在重启吗？

WizardInstalling=正在安装
InstallingLabel=安装程序正在您的电脑上安装 [name]，请稍候。

FinishedHeadingLabel=[name] 安装完成
FinishedLabelNoIcons=[name] 已安装到您的电脑上。
FinishedLabel=[name] 已安装到您的电脑上。可以通过开始菜单中的快捷方式启动它。
ClickFinish=点击“完成”退出安装程序。
FinishedRestartLabel=要完成 [name] 的安装，需要重启电脑。现在重启吗？
FinishedRestartMessage=要完成 [name] 的安装，需要重启电脑。%n%n现在重启吗？
YesRadio=是，现在重启电脑(&Y)
NoRadio=否，稍后手动重启(&N)
RunEntryExec=运行 %1
RunEntryShellExec=查看 %1

SetupAborted=安装未完成。%n%n请解决问题后再次运行安装程序。
AbortRetryIgnoreSelectAction=选择操作
AbortRetryIgnoreRetry=重试(&T)
AbortRetryIgnoreIgnore=忽略错误并继续(&I)
AbortRetryIgnoreCancel=取消安装

StatusClosingApplications=正在关闭程序...
StatusCreateDirs=正在创建文件夹...
StatusExtractFiles=正在解压文件...
StatusCreateIcons=正在创建快捷方式...
StatusCreateRegistryEntries=正在写入注册表...
StatusRegisterFiles=正在注册文件...
StatusSavingUninstall=正在保存卸载信息...
StatusRunProgram=正在完成安装...
StatusRestartingApplications=正在重新启动程序...
StatusRollback=正在撤销更改...

ErrorInternal2=内部错误：%1
ErrorFunctionFailedNoCode=%1 失败
ErrorFunctionFailed=%1 失败；代码 %2
ErrorFunctionFailedWithMessage=%1 失败；代码 %2。%n%3
ErrorExecutingProgram=无法运行文件：%n%1

FileAbortRetryIgnoreSkipNotRecommended=跳过这个文件（不推荐）(&S)
FileAbortRetryIgnoreIgnoreNotRecommended=忽略错误并继续（不推荐）(&I)
SourceIsCorrupted=源文件已损坏
SourceDoesntExist=源文件“%1”不存在
ExistingFileReadOnly2=已有文件是只读的，无法替换。
ExistingFileReadOnlyRetry=去掉只读属性后重试(&R)
ExistingFileReadOnlyKeepExisting=保留已有文件(&K)
ErrorReadingExistingDest=读取已有文件时出错：
FileExistsSelectAction=选择操作
FileExists2=文件已存在。
FileExistsOverwriteExisting=覆盖已有文件(&O)
FileExistsKeepExisting=保留已有文件(&K)
FileExistsOverwriteOrKeepAll=之后的冲突也这样处理(&D)
ExistingFileNewerSelectAction=选择操作
ExistingFileNewer2=已有文件比安装程序要安装的文件更新。
ExistingFileNewerOverwriteExisting=覆盖已有文件(&O)
ExistingFileNewerKeepExisting=保留已有文件（推荐）(&K)
ExistingFileNewerOverwriteOrKeepAll=之后的冲突也这样处理(&D)
ErrorChangingAttr=更改已有文件的属性时出错：
ErrorCreatingTemp=在安装文件夹中创建文件时出错：
ErrorReadingSource=读取源文件时出错：
ErrorCopying=复制文件时出错：
ErrorReplacingExistingFile=替换已有文件时出错：
ErrorRenamingTemp=在安装文件夹中重命名文件时出错：

UninstallDisplayNameMarkCurrentUser=当前用户

ErrorRestartingComputer=安装程序无法重启电脑，请手动重启。

UninstallNotFound=文件“%1”不存在，无法卸载。
UninstallOpenError=无法打开文件“%1”，无法卸载
UninstallUnsupportedVer=此版本的卸载程序无法识别卸载日志“%1”的格式，无法卸载
UninstallUnknownEntry=卸载日志中有未知条目（%1）
ConfirmUninstall=确定要完全删除 %1 及其所有组件吗？%n%n您的任务记录、设置和生成的视频不在程序文件夹中，会被保留。
UninstallOnlyOnWin64=此安装只能在 64 位 Windows 上卸载。
UninstallStatusLabel=正在从您的电脑上删除 %1，请稍候。
UninstalledAll=%1 已从您的电脑上删除。
UninstalledMost=%1 卸载完成。%n%n有些项目无法删除，可以手动删除它们。
UninstalledAndNeedsRestart=要完成 %1 的卸载，需要重启电脑。%n%n现在重启吗？
UninstallDataCorrupted=文件“%1”已损坏，无法卸载

WizardUninstalling=卸载状态
StatusUninstalling=正在卸载 %1...

ShutdownBlockReasonInstallingApp=正在安装 %1。
ShutdownBlockReasonUninstallingApp=正在卸载 %1。

[CustomMessages]
NameAndVersion=%1 版本 %2
AdditionalIcons=附加快捷方式：
CreateDesktopIcon=创建桌面快捷方式(&D)
ProgramOnTheWeb=%1 网站
UninstallProgram=卸载 %1
LaunchProgram=运行 %1
