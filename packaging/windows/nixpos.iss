; Inno Setup script for nixpos on Windows tills (and, optionally, the server).
; Built by packaging\windows\build.ps1, which passes AppVersion and SourceDir.
;
; - Program files in {autopf}\nixpos; nixpos.exe is the till, nixpos-server.exe the server.
; - Task "kiosk": start the till full screen when the till's user signs in.
; - Task "server": run nixpos-server (waitress) at boot as SYSTEM, from the Task
;   Scheduler, with its data in {commonappdata}\nixpos. (A plain console program
;   cannot be an SCM service without a wrapper; a boot task needs none.)
; - Uninstalling keeps {commonappdata}\nixpos (the database and the server secret).
; The till key is kept in the Windows Credential Locker (keyring's Windows backend).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\nixpos"
#endif

[Setup]
AppId={{6F1C9F9E-5C55-4C8B-9E0B-3F5B1D0A2C11}
AppName=nixpos
AppVersion={#AppVersion}
AppPublisher=nixpos
DefaultDirName={autopf}\nixpos
DefaultGroupName=nixpos
OutputBaseFilename=nixpos-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\nixpos.exe

[Tasks]
Name: "kiosk"; Description: "Start the till full screen when this PC's user signs in (kiosk)"; Flags: unchecked
Name: "server"; Description: "Run the nixpos server on this PC (starts at boot)"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion
Source: "..\..\docs\deploy.md"; DestDir: "{app}\docs"; Flags: ignoreversion

[Dirs]
Name: "{commonappdata}\nixpos"; Permissions: system-full admins-full; Flags: uninsneveruninstall

[Icons]
Name: "{group}\nixpos till"; Filename: "{app}\nixpos.exe"
Name: "{group}\nixpos till (windowed)"; Filename: "{app}\nixpos.exe"; Parameters: "--windowed"
Name: "{commonstartup}\nixpos till"; Filename: "{app}\nixpos.exe"; Tasks: kiosk

[Run]
; The schema and the server secret, then a boot task running the server (waitress).
Filename: "{app}\nixpos-server.exe"; Parameters: "init --db ""sqlite:///{commonappdata}\nixpos\nixpos.db"""; Flags: runhidden; Tasks: server
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /F /TN ""nixpos-server"" /SC ONSTART /RU SYSTEM /RL HIGHEST /TR ""\""{app}\nixpos-server.exe\"" serve --host 0.0.0.0 --port 8765 --db sqlite:///{commonappdata}\nixpos\nixpos.db"""; Flags: runhidden; Tasks: server
Filename: "{sys}\schtasks.exe"; Parameters: "/Run /TN ""nixpos-server"""; Flags: runhidden; Tasks: server

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/End /TN ""nixpos-server"""; Flags: runhidden; RunOnceId: "StopServer"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""nixpos-server"""; Flags: runhidden; RunOnceId: "DeleteServer"
