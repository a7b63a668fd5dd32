; Inno Setup 6 script for OZQ Desktop (per-machine install).
; Build the bundle first on Windows:  python installer\build.py
; then compile this script:           iscc installer\windows\ozq_desktop.iss
; It cannot be built on the Linux CI machines; see README, "Windows installer".

#define AppName "OZQ Desktop"
#define AppVersion "0.1.0"
#define AppPublisher "OZQ"
#define AppExe "ozq-desktop.exe"

[Setup]
AppId={{6B0C6F8E-2C4B-4C36-9E0A-5D1F0B7A0C21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}.0
VersionInfoDescription={#AppName} — service centre counter
DefaultDirName={autopf}\OZQ Desktop
DefaultGroupName=OZQ Desktop
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=ozq-desktop-setup-{#AppVersion}
SetupIconFile=..\icons\ozq-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
DisableProgramGroupPage=yes

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\ozq-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{commonprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{commondesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes only what setup installed under {app}. The database, scans and
; backups live in each user's %LOCALAPPDATA%\OZQ\OZQDesktop and are deliberately kept.
