; Inno Setup 6 script: a per-user installer for Bailian Video Studio (no administrator rights).
;
; Build the frozen app first (python packaging\build.py), then, from the repository root:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\installer.iss
;
; Optional defines (/DName=Value):
;   AppVersion   the version shown and used in the file name (the workflow passes pyproject's)
;   SourceDir    the frozen folder            (default: dist\bailian-video)
;   OutputDir    where the setup .exe goes    (default: dist)
;   IconFile     the setup's icon             (default: build\icons\app.ico, written by the spec)
;   ChineseIsl   path to Inno Setup's ChineseSimplified.isl, an unofficial translation that not
;                every compiler has. With it, the Chinese installer is complete; without it, the
;                messages this app's installer shows are still Chinese (ChineseSimplified-studio.isl)
;                and the rarest fall back to English. make_installer.py --fetch-languages downloads it.
;   SignTool     the name of a sign tool configured with iscc /S (signs the uninstaller and setup)
;   AppPublisher the publisher shown in Settings → Apps (the workflow passes pyproject's authors)
;   InstallRoot  the folder the app's folder goes into (default: {autopf}, which for a per-user
;                install is the user's program folder, %LOCALAPPDATA%\Programs). Only the check
;                under wine sets it: wine 8 cannot expand {autopf} for a per-user install
;                (SHGetKnownFolderPath fails), so packaging/windows/make_installer.py passes
;                {localappdata}\Programs there, the same folder real Windows resolves {autopf} to.
;
; Python does all of this in one go: python packaging/windows/make_installer.py (see its --help).
;
; Installs into %LOCALAPPDATA%\Programs\Bailian Video Studio, adds a Start-menu entry, an
; optional desktop shortcut and an uninstaller (Settings → Apps). The user's data (task
; database, settings, downloaded videos) lives elsewhere and is kept on uninstall.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\bailian-video"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\app.ico"
#endif
#ifndef AppPublisher
  #define AppPublisher "Bailian Video Studio"
#endif
#ifndef InstallRoot
  #define InstallRoot "{autopf}"
#endif
#ifndef ChineseIsl
  #if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
    #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
  #endif
#endif
#ifndef ChineseIsl
  #pragma message "Inno Setup's ChineseSimplified.isl not found: Chinese comes from ChineseSimplified-studio.isl over the English defaults"
#endif

#define AppName "Bailian Video Studio"
#define AppExeName "bailian-video.exe"

[Setup]
; AppId identifies the app for upgrades and the uninstaller: never change it.
AppId={{314FAF02-850A-4121-8034-611C46A49944}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoCompany={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; Per user: no UAC prompt, nothing written outside the user's profile.
PrivilegesRequired=lowest
DefaultDirName={#InstallRoot}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=BailianVideoStudio-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Chinese first: this app's own Simplified Chinese messages (ChineseSimplified-studio.isl) over Inno
; Setup's complete translation where the compiler has it, else over the English defaults.
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl},ChineseSimplified-studio.isl"
#else
Name: "chinesesimplified"; MessagesFile: "compiler:Default.isl,ChineseSimplified-studio.isl"
#endif

[Messages]
english.ConfirmUninstall=Are you sure you want to completely remove %1 and all of its components?%n%nYour task history, settings and generated videos are not in the program folder and are kept.

[CustomMessages]
english.AppMenuName={#AppName}
chinesesimplified.AppMenuName=百炼视频工作室

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the runtime folder whole, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{cm:AppMenuName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{cm:AppMenuName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder; the user's data and videos are not touched.
Type: dirifempty; Name: "{app}"
