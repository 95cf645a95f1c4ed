# Build the Windows installer: dist\nixpos-<version>-setup.exe
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Needs, on a Windows 10/11 x64 build machine: Python 3.12 (python.org, "py" launcher),
# and Inno Setup 6 (iscc.exe on PATH or in its default folder).
$ErrorActionPreference = "Stop"
$root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $root

py -3.12 -m venv .venv-win
.\.venv-win\Scripts\python -m pip install --upgrade pip
.\.venv-win\Scripts\python -m pip install -e ".[packaging]"
.\.venv-win\Scripts\pyinstaller --noconfirm nixpos.spec

$version = (Get-Content dist\nixpos\VERSION).Trim()
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" "/DSourceDir=$root\dist\nixpos" "/O$root\dist" `
    packaging\windows\nixpos.iss
Write-Host "Built dist\nixpos-$version-setup.exe"
