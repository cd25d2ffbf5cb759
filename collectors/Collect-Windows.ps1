<#
.SYNOPSIS
  chainhunt endpoint collector for Windows (Windows PowerShell 5.1 and PowerShell 7).

.DESCRIPTION
  Writes one host bundle (a folder with chainhunt-host.json at its root) that `chainhunt scan`
  and `chainhunt ingest` read:
    chainhunt-host.json                 host manifest (docs/host-manifest.md)
    registry/uninstall-hklm.json        HKLM Uninstall key entries (ConvertTo-Json)
    registry/uninstall-hklm-wow6432.json
    registry/uninstall-hku-<SID>.json   one file per loaded user hive under HKEY_USERS
    files/hashes.csv                    sha256 of files under %ProgramFiles%, %ProgramFiles(x86)%
                                        and each profile's AppData\Local\Programs (size-capped)
    evtx/*.evtx                         Sysmon, Security and PowerShell logs (wevtutil epl)
    network/dns-client-cache.json       Get-DnsClientCache
  Run elevated to read the Security log and every profile. See collectors/README.md.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File Collect-Windows.ps1 -Out C:\chainhunt\bundle -Tenant acme -Archive
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string]$Out,
  [string]$HostId = $env:COMPUTERNAME,
  [string]$Tenant = '',
  [long]$MaxFileSize = 104857600,
  [int]$MaxFiles = 200000,
  [switch]$NoEvtx,
  [switch]$NoHashes,
  [switch]$Archive,
  [string]$Upload = '',
  [string]$TokenFile = '',
  [switch]$DryRun
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Write-Note([string]$Message) { [Console]::Error.WriteLine("Collect-Windows: $Message") }

if ($Upload -ne '') {
  if ($Upload -notmatch '^https?://') { throw "-Upload needs an http(s) URL: $Upload" }
  if ($TokenFile -eq '' -or -not (Test-Path -LiteralPath $TokenFile -PathType Leaf)) {
    throw '-Upload needs -TokenFile pointing at a readable file'
  }
  $Archive = $true
}

New-Item -ItemType Directory -Force -Path $Out | Out-Null
$Out = (Resolve-Path -LiteralPath $Out).ProviderPath
foreach ($sub in 'registry', 'files', 'evtx', 'network') {
  New-Item -ItemType Directory -Force -Path (Join-Path $Out $sub) | Out-Null
}

# ---- manifest -----------------------------------------------------------------------------------
$os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction SilentlyContinue
$manifest = [ordered]@{
  schema      = 'chainhunt-host/1'
  hostId      = $HostId
  hostname    = [System.Net.Dns]::GetHostName()
  os          = 'windows'
  osVersion   = $(if ($os) { [string]$os.Version } else { [string][Environment]::OSVersion.Version })
  collectedAt = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ')
}
if ($Tenant -ne '') { $manifest.tenant = $Tenant }
$manifestJson = $manifest | ConvertTo-Json -Depth 2
[System.IO.File]::WriteAllText((Join-Path $Out 'chainhunt-host.json'), $manifestJson, (New-Object System.Text.UTF8Encoding($false)))

# ---- Uninstall keys ---------------------------------------------------------------------------
function Export-Uninstall([string]$KeyPath, [string]$FileName) {
  if (-not (Test-Path -LiteralPath $KeyPath)) { return }
  $entries = @(Get-ChildItem -LiteralPath $KeyPath -ErrorAction SilentlyContinue |
      ForEach-Object { Get-ItemProperty -LiteralPath $_.PSPath -ErrorAction SilentlyContinue })
  if ($entries.Count -eq 0) { return }
  # UTF-16LE with BOM (what PS 5.1's `>` writes) on both PS 5.1 and 7; chainhunt also reads UTF-8.
  $json = ConvertTo-Json -InputObject $entries -Depth 3
  $json | Out-File -LiteralPath (Join-Path (Join-Path $Out 'registry') $FileName) -Encoding Unicode
}

$uninstall = 'Software\Microsoft\Windows\CurrentVersion\Uninstall'
Export-Uninstall "Registry::HKEY_LOCAL_MACHINE\$uninstall" 'uninstall-hklm.json'
Export-Uninstall "Registry::HKEY_LOCAL_MACHINE\Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall" 'uninstall-hklm-wow6432.json'
foreach ($hive in Get-ChildItem -LiteralPath 'Registry::HKEY_USERS' -ErrorAction SilentlyContinue) {
  $sid = $hive.PSChildName
  if ($sid -like '*_Classes') { continue }
  $safe = $sid -replace '[^A-Za-z0-9._-]', '_'
  Export-Uninstall "Registry::HKEY_USERS\$sid\$uninstall" "uninstall-hku-$safe.json"
  Export-Uninstall "Registry::HKEY_USERS\$sid\Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall" "uninstall-hku-$safe-wow6432.json"
}

# ---- file hashes ------------------------------------------------------------------------------
if (-not $NoHashes) {
  $roots = New-Object System.Collections.Generic.List[string]
  foreach ($p in @($env:ProgramFiles, ${env:ProgramFiles(x86)})) {
    if ($p -and (Test-Path -LiteralPath $p -PathType Container) -and -not $roots.Contains($p)) { $roots.Add($p) }
  }
  $profiles = Get-CimInstance -ClassName Win32_UserProfile -ErrorAction SilentlyContinue | Where-Object { -not $_.Special }
  foreach ($prof in @($profiles)) {
    $p = Join-Path $prof.LocalPath 'AppData\Local\Programs'
    if (Test-Path -LiteralPath $p -PathType Container) { $roots.Add($p) }
  }
  $csv = Join-Path (Join-Path $Out 'files') 'hashes.csv'
  $writer = New-Object System.IO.StreamWriter($csv, $false, (New-Object System.Text.UTF8Encoding($false)))
  try {
    $writer.WriteLine('sha256,size,path')
    $count = 0
    foreach ($root in $roots) {
      foreach ($f in Get-ChildItem -LiteralPath $root -Recurse -File -Force -ErrorAction SilentlyContinue) {
        if ($count -ge $MaxFiles) { Write-Note "stopped hashing at $MaxFiles files"; break }
        if ($f.Length -gt $MaxFileSize) { continue }
        try {
          $h = Get-FileHash -LiteralPath $f.FullName -Algorithm SHA256
          $path = '"' + ($f.FullName -replace '"', '""') + '"'
          $writer.WriteLine(('{0},{1},{2}' -f $h.Hash.ToLowerInvariant(), $f.Length, $path))
          $count++
        } catch { Write-Note "could not hash $($f.FullName): $($_.Exception.Message)" }
      }
    }
  } finally { $writer.Dispose() }
}

# ---- event logs -------------------------------------------------------------------------------
if (-not $NoEvtx) {
  $logs = [ordered]@{
    'Microsoft-Windows-Sysmon/Operational'     = 'sysmon.evtx'
    'Security'                                 = 'security.evtx'
    'Microsoft-Windows-PowerShell/Operational' = 'powershell-operational.evtx'
    'Windows PowerShell'                       = 'windows-powershell.evtx'
  }
  foreach ($name in $logs.Keys) {
    $dest = Join-Path (Join-Path $Out 'evtx') $logs[$name]
    # Native stderr under $ErrorActionPreference = 'Stop' would throw in PS 5.1; check the exit code instead.
    $ErrorActionPreference = 'Continue'
    & wevtutil.exe epl $name $dest /ow:true 2>&1 | Out-Null
    $code = $LASTEXITCODE
    $ErrorActionPreference = 'Stop'
    if ($code -ne 0) { Write-Note "could not export event log $name (exit $code)" }
  }
}

# ---- DNS client cache ----------------------------------------------------------------------------
try {
  $dns = @(Get-DnsClientCache -ErrorAction Stop |
      Select-Object Entry, Name, Type, Status, Section, TimeToLive, DataLength, Data)
  $json = ConvertTo-Json -InputObject $dns -Depth 3
  [System.IO.File]::WriteAllText((Join-Path (Join-Path $Out 'network') 'dns-client-cache.json'), $json, (New-Object System.Text.UTF8Encoding($false)))
} catch { Write-Note "could not read the DNS client cache: $($_.Exception.Message)" }

# ---- archive and upload -----------------------------------------------------------------------
$result = $Out
if ($Archive) {
  $zip = "$Out.zip"
  if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }
  Add-Type -AssemblyName System.IO.Compression.FileSystem
  [System.IO.Compression.ZipFile]::CreateFromDirectory($Out, $zip)
  $result = $zip
}
Write-Output $result

if ($Upload -ne '') {
  if ($DryRun) {
    Write-Output "POST $result -> $Upload (Authorization: Bearer <token from $TokenFile>)"
    return
  }
  $token = (Get-Content -LiteralPath $TokenFile -Raw).Trim()
  if ($token -eq '') { throw "token file is empty: $TokenFile" }
  $headers = @{ Authorization = "Bearer $token" }
  Invoke-RestMethod -Method Post -Uri $Upload -Headers $headers -ContentType 'application/zip' -InFile $result | Out-Null
  $token = $null
}
