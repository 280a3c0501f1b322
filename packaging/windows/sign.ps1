<#
.SYNOPSIS
  Authenticode-sign files with signtool when a certificate is provided; otherwise print a notice.

.DESCRIPTION
  packaging\windows\sign.ps1 dist\bailian-video\bailian-video.exe dist\bailian-video\bailian-video-cli.exe

  The certificate comes from the environment (in CI: repository secrets):
    WINDOWS_CERTIFICATE           base64 of a code-signing .pfx (certificate + private key)
    WINDOWS_CERTIFICATE_PASSWORD  its password
    WINDOWS_TIMESTAMP_URL         optional RFC 3161 time-stamp server (default: DigiCert's)

  Without WINDOWS_CERTIFICATE the script prints a notice and exits 0: the build stays unsigned
  and SmartScreen will warn users until the file earns reputation.

  Inno Setup can call this script as its sign tool, so the uninstaller and the setup are signed
  too (see installer.iss, define SignTool):
    iscc "/Sbvsign=powershell.exe -NoProfile -ExecutionPolicy Bypass -File packaging\windows\sign.ps1 `$f" /DSignTool=bvsign ...
#>
param(
    [Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)]
    [string[]] $Files
)
$ErrorActionPreference = 'Stop'

function Write-Notice([string] $Message) {
    if ($env:GITHUB_ACTIONS) { Write-Host "::notice title=Windows signing::$Message" }
    else { Write-Host "notice: $Message" }
}

if ([string]::IsNullOrEmpty($env:WINDOWS_CERTIFICATE)) {
    Write-Notice "WINDOWS_CERTIFICATE not set: not signing $($Files -join ', ')"
    exit 0
}

function Find-SignTool {
    $cmd = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $best = $null
    $bestVersion = [version]'0.0'
    $candidates = Get-ChildItem -Path $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match '\\x64\\signtool\.exe$' }
    foreach ($c in $candidates) {
        # Layout: Windows Kits\10\bin\<sdk version>\x64\signtool.exe: take the newest SDK.
        $v = [version]'0.0'
        [void][version]::TryParse($c.Directory.Parent.Name, [ref]$v)
        if ($null -eq $best -or $v -gt $bestVersion) { $best = $c; $bestVersion = $v }
    }
    if (-not $best) { throw "signtool.exe not found (install the Windows SDK)" }
    return $best.FullName
}

$signtool = Find-SignTool
$timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }
$pfx = Join-Path ([System.IO.Path]::GetTempPath()) ("bv-sign-" + [guid]::NewGuid().ToString() + ".pfx")
try {
    [System.IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERTIFICATE))
    foreach ($file in $Files) {
        if (-not (Test-Path -LiteralPath $file)) { throw "no such file: $file" }
        Write-Host "signing $file"
        # Time-stamp servers fail now and then: try three times before giving up.
        $ok = $false
        for ($try = 1; $try -le 3 -and -not $ok; $try++) {
            & $signtool sign /f $pfx /p $env:WINDOWS_CERTIFICATE_PASSWORD /fd SHA256 /tr $timestamp /td SHA256 `
                /d 'Bailian Video Studio' $file
            if ($LASTEXITCODE -eq 0) { $ok = $true } else { Start-Sleep -Seconds (5 * $try) }
        }
        if (-not $ok) { throw "signtool failed on $file" }
        & $signtool verify /pa /v $file | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "signature of $file does not verify" }
    }
}
finally {
    Remove-Item -LiteralPath $pfx -Force -ErrorAction SilentlyContinue
}
