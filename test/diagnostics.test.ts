/**
 * Every diagnostic code with a unit where it must fire and a close variant where it must not.
 * Tests assert codes (stable ids), never message text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../server/src/service/languageService';
import type { Diagnostic } from 'vscode-languageserver-types';
import { codesOf, diagnose, type DiagnoseOptions } from './helpers/diagnose';

interface Case {
  text: string;
  options?: DiagnoseOptions;
}

const S = (body: string) => `[Socket]\n${body}\n`;

const CASES: Record<DiagnosticCode, { fires: Case[]; silent: Case[] }> = {
  'invalid-section-header': {
    fires: [{ text: '[Socket\nListenStream=80\n' }, { text: '[Socket] # main\nListenStream=80\n' }],
    silent: [{ text: ' [Socket] \nListenStream=80\n' }],
  },
  'invalid-utf8': {
    fires: [{ text: '[Unit]\nDescription=caf\uFFFD\n[Socket]\nListenStream=80\n' }],
    silent: [{ text: '[Unit]\nDescription=café\n[Socket]\nListenStream=80\n' }],
  },
  'line-too-long': {
    // The limit is in bytes: 2-byte characters reach it at half the length (measured with verify at 252).
    fires: [{ text: S(`ListenStream=80\n# ${'x'.repeat(1024 * 1024 - 2)}`) }, { text: S(`Description=${'é'.repeat(524_282)}`) }],
    silent: [{ text: S(`ListenStream=80\n# ${'x'.repeat(1024 * 1024 - 3)}`) }, { text: S(`ListenStream=80\n# ${'x'.repeat(1024 * 1024 - 3)}\r\n`) }],
  },
  'missing-equals': {
    fires: [{ text: S('ListenStream=80\nAccept yes') }],
    silent: [{ text: S('ListenStream=80\nAccept = yes') }],
  },
  'missing-key': {
    fires: [{ text: S('ListenStream=80\n=yes') }],
    silent: [{ text: S('ListenStream=80') }],
  },
  'assignment-outside-section': {
    fires: [{ text: 'ListenStream=80\n[Socket]\nListenStream=81\n' }],
    silent: [{ text: '# ListenStream=80\n[Socket]\nListenStream=81\n' }],
  },
  'unknown-section': {
    fires: [{ text: S('ListenStream=80') + '[Service]\nExecStart=/bin/true\n' }],
    silent: [{ text: S('ListenStream=80') + '[X-Service]\nExecStart=/bin/true\n' }],
  },
  'unknown-directive': {
    fires: [{ text: S('ListenStream=80\nSocketLinger=yes') }, { text: S('ListenStreem=80\nListenStream=81') }],
    silent: [{ text: S('ListenStream=80\nX-SocketLinger=yes') }],
  },
  'removed-directive': {
    fires: [{ text: '[Service]\nExecStart=/bin/true\nCapabilities=cap_net_bind_service+ep\n', options: { path: '/proj/echo.service' } }],
    silent: [{ text: '[Service]\nExecStart=/bin/true\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n', options: { path: '/proj/echo.service' } }],
  },
  'renamed-directive': {
    fires: [{ text: '[Unit]\nStartLimitInterval=10s\n' + S('ListenStream=80') }],
    silent: [{ text: '[Unit]\nStartLimitIntervalSec=10s\n' + S('ListenStream=80') }],
  },
  'unsupported-for-unit-type': {
    fires: [{ text: S('ListenStream=80\nManagedOOMSwap=kill\nDelegate=yes'), options: { path: '/proj/echo.socket' } }],
    silent: [{ text: '[Service]\nExecStart=/bin/true\nManagedOOMSwap=kill\nDelegate=yes\n', options: { path: '/proj/echo.service' } }],
  },
  'deprecated-setting': {
    fires: [
      { text: '[Service]\nExecStart=/bin/true\nKillMode=none\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/true\nMemoryLimit=1G\n', options: { path: '/proj/echo.service', systemdVersion: 257 } },
    ],
    silent: [
      { text: '[Service]\nExecStart=/bin/true\nKillMode=mixed\nMemoryMax=1G\n', options: { path: '/proj/echo.service', systemdVersion: 257 } },
    ],
  },
  'directive-too-new': {
    fires: [{ text: S('ListenStream=80\nDeferTrigger=yes'), options: { systemdVersion: 252 } }],
    silent: [{ text: S('ListenStream=80\nDeferTrigger=yes'), options: { systemdVersion: 258 } }],
  },
  'invalid-value': {
    fires: [{ text: S('ListenStream=80\nAccept=maybe') }, { text: S('ListenStream=80\nBacklog=-1') }, { text: S('ListenStream=80\nKeepAliveTimeSec=forever') }],
    silent: [{ text: S('ListenStream=80\nAccept=YES\nBacklog=128\nKeepAliveTimeSec=1min 30s') }],
  },
  'relaxed-user-name': {
    fires: [
      { text: '[Service]\nExecStart=/bin/true\nUser=myapp   # comment\n', options: { path: '/proj/echo.service' } },
      { text: S('ListenStream=80\nSocketGroup=web users') },
      { text: '[Service]\nExecStart=/bin/true\nUser=0day\n', options: { path: '/proj/echo.service' } },
    ],
    silent: [
      { text: '[Service]\nExecStart=/bin/true\nUser=my-app_1\nGroup=1000\n', options: { path: '/proj/echo.service' } },
      { text: S('ListenStream=80\nSocketUser=%i'), options: { path: '/proj/echo@.socket' } },
    ],
  },
  'value-too-new': {
    fires: [
      { text: '[Service]\nExecStart=/bin/true\nType=notify-reload\n', options: { systemdVersion: 252, path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/true\nPrivateTmp=disconnected\n', options: { systemdVersion: 254, path: '/proj/echo.service' } },
    ],
    silent: [
      { text: '[Service]\nExecStart=/bin/true\nType=notify-reload\n', options: { systemdVersion: 253, path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\nType=notify\n', options: { systemdVersion: 252, path: '/proj/echo.service' } },
    ],
  },
  'invalid-listen-address': {
    fires: [{ text: S('ListenStream=80\nListenStream=70000') }, { text: S('ListenStream=80\nListenDatagram=1.2.3.4') }],
    silent: [{ text: S('ListenStream=80\nListenDatagram=1.2.3.4:53\nListenStream=[::1]:8080\nListenStream=@abstract') }],
  },
  'unknown-specifier': {
    fires: [{ text: S('ListenStream=/run/%z.sock') }],
    silent: [{ text: S('ListenStream=/run/%N.sock\nDescription=100%') }],
  },
  'legacy-path': {
    fires: [{ text: S('ListenStream=/var/run/echo.sock') }],
    silent: [{ text: S('ListenStream=/run/echo.sock') }],
  },
  'obsolete-value': {
    fires: [{ text: '[Service]\nExecStart=/bin/true\nStandardOutput=syslog\n', options: { path: '/proj/echo.service' } }],
    silent: [{ text: '[Service]\nExecStart=/bin/true\nStandardOutput=journal\n', options: { path: '/proj/echo.service' } }],
  },
  'ignored-exec-prefix': {
    fires: [{ text: '[Service]\nExecStart=!!/bin/true\n', options: { path: '/proj/echo.service', systemdVersion: 258 } }],
    silent: [
      { text: '[Service]\nExecStart=!!/bin/true\n', options: { path: '/proj/echo.service', systemdVersion: 257 } },
      { text: '[Service]\nExecStart=!/bin/true\n', options: { path: '/proj/echo.service', systemdVersion: 258 } },
    ],
  },
  'inline-comment': {
    fires: [{ text: S('ListenStream=8080 # web') }, { text: '[Unit]\nDescription=Echo # the demo\n' + S('ListenStream=80') }],
    silent: [{ text: S('# web\nListenStream=8080') }],
  },
  'overridden-directive': {
    fires: [{ text: S('ListenStream=80\nBacklog=10\nBacklog=20') }],
    silent: [{ text: S('ListenStream=80\nListenStream=81\nBacklog=20') }],
  },
  'fdname-per-socket': {
    fires: [{ text: S('ListenStream=80\nFileDescriptorName=http\nListenStream=443\nFileDescriptorName=https') }],
    silent: [{ text: S('ListenStream=80\nListenStream=443\nFileDescriptorName=web') }],
  },
  'list-reset': {
    fires: [{ text: S('ListenStream=80\nListenStream=\nListenStream=81') }],
    silent: [{ text: S('ListenStream=\nListenStream=81') }],
  },
  'no-listen': {
    fires: [{ text: S('Accept=no') }, { text: S('ListenStream=0') }, { text: S('ListenStream=80\nListenStream=') }],
    silent: [{ text: S('ListenStream=80') }, { text: '[Socket]\nAccept=no\n', options: { path: '/proj/echo.socket.d/10-accept.conf' } }],
  },
  'accept-non-accepting': {
    fires: [{ text: S('ListenStream=80\nListenDatagram=53\nAccept=yes') }, { text: S('ListenFIFO=/run/echo.fifo\nAccept=yes') }],
    silent: [{ text: S('ListenStream=80\nListenSequentialPacket=/run/echo.seq\nAccept=yes') }, { text: S('ListenDatagram=53\nAccept=no') }],
  },
  'accept-with-service': {
    fires: [{ text: S('ListenStream=80\nAccept=yes\nService=other.service'), options: { siblings: ['echo@.service', 'other.service'] } }],
    silent: [{ text: S('ListenStream=80\nService=other.service'), options: { siblings: ['other.service'] } }],
  },
  'max-connections-zero': {
    fires: [{ text: S('ListenStream=80\nMaxConnections=0'), options: { systemdVersion: 257 } }, { text: S('ListenStream=80\nAccept=yes\nMaxConnections=0'), options: { systemdVersion: 252 } }],
    silent: [{ text: S('ListenStream=80\nMaxConnections=0'), options: { systemdVersion: 252 } }, { text: S('ListenStream=80\nMaxConnections=1') }],
  },
  'symlinks-without-single-node': {
    fires: [{ text: S('ListenStream=/run/a.sock\nListenStream=/run/b.sock\nSymlinks=/run/c.sock') }, { text: S('ListenStream=80\nSymlinks=/run/c.sock') }],
    silent: [{ text: S('ListenStream=/run/a.sock\nListenStream=80\nSymlinks=/run/c.sock') }],
  },
  'missing-service': {
    fires: [
      { text: S('ListenStream=80'), options: { siblings: [] } },
      { text: S('ListenStream=80\nAccept=yes'), options: { siblings: [] } },
      { text: S('ListenStream=80\nService=web.service'), options: { siblings: ['echo.service'] } },
    ],
    silent: [
      { text: S('ListenStream=80'), options: { siblings: ['echo.service'] } },
      { text: S('ListenStream=80\nAccept=yes'), options: { siblings: ['echo@.service'] } },
      { text: S('ListenStream=80\nService=web.service'), options: { siblings: ['web.service'] } },
    ],
  },
  'service-refused': {
    fires: [
      { text: '[Service]\nType=simple\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=always\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nType=oneshot\nExecStop=/bin/true\n', options: { path: '/proj/echo.service' } },
    ],
    silent: [
      { text: '[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/bin/false\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/true\nExecStart=\nExecStart=/bin/false\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/bin/true\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nRestart=always\n', options: { path: '/proj/echo.service.d/restart.conf' } },
    ],
  },
  'paired-service-refused': {
    fires: [{ text: S('ListenStream=80'), options: { siblings: [], siblingTexts: { 'echo.service': '[Service]\nType=simple\n' } } }],
    silent: [{ text: S('ListenStream=80'), options: { siblings: [], siblingTexts: { 'echo.service': '[Service]\nExecStart=/bin/true\n' } } }],
  },
  'empty-unit': {
    fires: [{ text: '', options: { path: '/proj/sockets.target' } }],
    silent: [{ text: '', options: { path: '/proj/echo.socket.d/empty.conf' } }, { text: '\n', options: { path: '/proj/sockets.target' } }],
  },
  'invalid-unit-name': {
    fires: [{ text: S('ListenStream=80'), options: { path: '/proj/my echo.socket', siblings: ['my echo.service'] } }, { text: S('ListenStream=80'), options: { path: '/proj/@echo.socket' } }],
    silent: [{ text: S('ListenStream=80'), options: { path: '/proj/echo@.socket' } }, { text: S('ListenStream=80'), options: { path: '/proj/echo@a:b.socket' } }],
  },
  'missing-dependency': {
    fires: [
      { text: '[Unit]\nRequires=network-online.service\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', installed: ['network-online.target'] } },
      { text: '[Unit]\nBindsTo=nowhere.socket\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', installed: [] } },
    ],
    silent: [
      { text: '[Unit]\nRequires=network-online.target\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', installed: ['network-online.target'] } },
      // An instance is found through its template; a slice needs no file; specifiers are not guessed.
      { text: '[Unit]\nRequires=kresd@1.service nowhere.slice nowhere@%i.service\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', siblings: ['kresd@.service'], installed: [] } },
      // Without the installed units (a virtual workspace) nothing can be known.
      { text: '[Unit]\nRequires=nowhere.service\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service' } },
      { text: '[Unit]\nAfter=nowhere.service\nWants=\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', installed: [] } },
    ],
  },
  'missing-weak-dependency': {
    fires: [{ text: '[Unit]\nWants=nowhere.service\nOnFailure=nowhere-else.service\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', installed: [] } }],
    silent: [{ text: '[Unit]\nWants=echo.socket\n[Service]\nExecStart=/bin/true\n', options: { path: '/proj/echo.service', siblings: ['echo.socket'], installed: [] } }],
  },
  // A socket and its service together (more cases, fixes and the server in test/pairChecks.test.ts, test/pairFixes.test.ts)
  'accept-needs-template': {
    fires: [{ text: S('ListenStream=80\nAccept=yes'), options: { siblings: ['echo.service'] } }],
    silent: [{ text: S('ListenStream=80\nAccept=yes'), options: { siblings: ['echo.service', 'echo@.service'] } }, { text: S('ListenStream=80\nAccept=no'), options: { siblings: ['echo.service'] } }],
  },
  'stdin-listening-socket': {
    fires: [{ text: '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n', options: { path: '/proj/echo.service', siblingTexts: { 'echo.socket': S('ListenStream=80') } } }],
    silent: [
      { text: '[Service]\nExecStart=/bin/cat\n', options: { path: '/proj/echo.service', siblingTexts: { 'echo.socket': S('ListenStream=80') } } },
      { text: '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n', options: { path: '/proj/echo@.service', siblingTexts: { 'echo.socket': S('ListenStream=80\nAccept=yes') } } },
    ],
  },
  'stdio-socket-many': {
    fires: [{ text: S('ListenStream=80\nListenStream=81'), options: { siblingTexts: { 'echo.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' } } }],
    silent: [
      { text: S('ListenStream=80'), options: { siblingTexts: { 'echo.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' } } },
      { text: S('ListenStream=80\nListenStream=81\nAccept=yes'), options: { siblingTexts: { 'echo@.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' } } },
    ],
  },
  'connection-ignores-socket': {
    fires: [{ text: '[Service]\nExecStart=/usr/bin/handler\n', options: { path: '/proj/echo@.service', siblingTexts: { 'echo.socket': S('ListenStream=80\nAccept=yes') } } }],
    silent: [
      { text: '[Service]\nExecStart=/usr/bin/handler\nStandardInput=socket\n', options: { path: '/proj/echo@.service', siblingTexts: { 'echo.socket': S('ListenStream=80\nAccept=yes') } } },
      { text: '[Service]\nExecStart=/usr/bin/handler\n', options: { path: '/proj/echo@.service', siblingTexts: { 'echo.socket': S('ListenStream=80') } } },
    ],
  },
  'missing-socket-unit': {
    fires: [{ text: '[Service]\nExecStart=/usr/bin/web\nSockets=echo.socket nowhere.socket\n', options: { path: '/proj/echo.service', siblings: ['echo.socket'] } }],
    silent: [{ text: '[Service]\nExecStart=/usr/bin/web\nSockets=echo.socket admin.socket\n', options: { path: '/proj/echo.service', siblings: ['echo.socket'], files: { '/elsewhere/admin.socket': S('ListenStream=81') } } }],
  },
  'template-shared-address': {
    fires: [{ text: S('ListenStream=/run/echo.sock'), options: { path: '/proj/echo@.socket' } }, { text: S('ListenStream=8080'), options: { path: '/proj/echo@.socket' } }],
    silent: [{ text: S('ListenStream=/run/echo/%i.sock'), options: { path: '/proj/echo@.socket' } }, { text: S('ListenStream=/run/echo.sock'), options: { path: '/proj/echo.socket' } }],
  },
  'dynamic-user-in-user-unit': {
    fires: [{ text: '[Service]\nExecStart=/usr/bin/web\nDynamicUser=yes\n', options: { path: '/home/u/.config/systemd/user/echo.service' } }],
    silent: [{ text: '[Service]\nExecStart=/usr/bin/web\nDynamicUser=yes\n', options: { path: '/etc/systemd/system/echo.service' } }],
  },
  'dynamic-user-home-workdir': {
    fires: [{ text: '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nWorkingDirectory=~\n', options: { path: '/proj/echo.service', systemdVersion: 257 } }],
    silent: [
      { text: '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nWorkingDirectory=~\n', options: { path: '/proj/echo.service', systemdVersion: 254 } },
      { text: '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nWorkingDirectory=/srv\n', options: { path: '/proj/echo.service', systemdVersion: 257 } },
    ],
  },
  'service-binds-socket-port': {
    fires: [{ text: '[Service]\nExecStart=/usr/bin/web --port 8080\n', options: { path: '/proj/echo.service', siblingTexts: { 'echo.socket': S('ListenStream=8080') } } }],
    silent: [{ text: '[Service]\nExecStart=/usr/bin/web --port 8081\n', options: { path: '/proj/echo.service', siblingTexts: { 'echo.socket': S('ListenStream=8080') } } }],
  },
  'private-pids-not-service': {
    fires: [{ text: S('ListenStream=80\nPrivatePIDs=yes'), options: { systemdVersion: 257 } }],
    silent: [
      { text: S('ListenStream=80\nPrivatePIDs=no'), options: { systemdVersion: 257 } },
      { text: '[Service]\nExecStart=/bin/true\nPrivatePIDs=yes\n', options: { path: '/proj/echo.service', systemdVersion: 257 } },
    ],
  },
  'relative-exec-argument': {
    fires: [
      { text: '[Service]\nExecStart=/usr/bin/python3 app.py\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/usr/bin/env node src/server.js\n', options: { path: '/proj/echo.service' } },
      { text: S('ListenStream=80\nExecStartPre=/bin/sh prepare.sh'), options: { siblings: ['echo.service'] } },
    ],
    silent: [
      { text: '[Service]\nWorkingDirectory=/srv/app\nExecStart=/usr/bin/python3 app.py\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nRootDirectory=/srv/root\nExecStart=/usr/bin/python3 app.py\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/usr/bin/python3 /srv/app/app.py --config=conf.yml serve\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/usr/bin/python3 -m http.server 8000\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/usr/bin/python3 %h/app.py\nExecStartPost=/usr/bin/node $APP\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/bin/sh -c "cd /srv && ./run.sh"\n', options: { path: '/proj/echo.service' } },
      { text: '[Service]\nExecStart=/usr/bin/myserver serve app.py\n', options: { path: '/proj/echo.service' } },
      // Set in a drop-in of the unit: systemd applies it.
      { text: '[Service]\nExecStart=/usr/bin/node server.js\n', options: { path: '/proj/echo.service', files: { '/proj/echo.service.d/dir.conf': '[Service]\nWorkingDirectory=/srv\n' } } },
    ],
  },
  'pam-kill-mode': {
    fires: [{ text: '[Service]\nExecStart=/bin/true\nPAMName=login\nKillMode=process\n', options: { path: '/proj/echo.service' } }],
    silent: [{ text: '[Service]\nExecStart=/bin/true\nPAMName=login\nKillMode=mixed\n', options: { path: '/proj/echo.service' } }],
  },
  'timer-no-trigger': {
    fires: [{ text: '[Timer]\nPersistent=yes\n', options: { path: '/proj/t.timer' } }, { text: '[Timer]\nOnCalendar=someday\n', options: { path: '/proj/t.timer' } }],
    silent: [{ text: '[Timer]\nOnCalendar=daily\n', options: { path: '/proj/t.timer' } }, { text: '[Timer]\nOnClockChange=yes\n', options: { path: '/proj/t.timer' } }],
  },
  'path-no-trigger': {
    fires: [{ text: '[Path]\nPathExists=relative/x\n', options: { path: '/proj/p.path' } }],
    silent: [{ text: '[Path]\nPathExists=/tmp/x\n', options: { path: '/proj/p.path' } }],
  },
  'unit-name-path-mismatch': {
    fires: [{ text: '[Mount]\nWhat=/dev/sda1\nWhere=/mnt/b\n', options: { path: '/proj/mnt-a.mount' } }, { text: '[Swap]\nWhat=/dev/sda3\n', options: { path: '/proj/dev-sda2.swap' } }],
    silent: [{ text: '[Mount]\nWhat=/dev/sda1\nWhere=/mnt//a/\n', options: { path: '/proj/mnt-a.mount' } }, { text: '[Swap]\nWhat=/dev/sda2\n', options: { path: '/proj/dev-sda2.swap' } }],
  },
  'mount-what-missing': {
    fires: [{ text: '[Mount]\nWhere=/mnt/a\n', options: { path: '/proj/mnt-a.mount' } }],
    silent: [{ text: '[Mount]\nWhat=tmpfs\nWhere=/mnt/a\n', options: { path: '/proj/mnt-a.mount' } }, { text: '[Mount]\nWhere=/\n', options: { path: '/proj/-.mount' } }],
  },
  'mount-api-path': {
    fires: [{ text: '[Mount]\nWhat=proc\nWhere=/proc\n', options: { path: '/proj/proc.mount' } }],
    silent: [{ text: '[Mount]\nWhat=proc\nWhere=/proc2\n', options: { path: '/proj/proc2.mount' } }],
  },
  'automount-root': {
    fires: [{ text: '[Automount]\nWhere=/\n', options: { path: '/proj/-.automount' } }],
    silent: [{ text: '[Automount]\nWhere=/mnt/a\n', options: { path: '/proj/mnt-a.automount' } }],
  },
  'automount-reserved-option': {
    fires: [{ text: '[Automount]\nExtraOptions=ro,fd=3\n', options: { path: '/proj/mnt-a.automount' } }],
    silent: [{ text: '[Automount]\nExtraOptions=ro,fdx=3\n', options: { path: '/proj/mnt-a.automount' } }],
  },
  'invalid-slice-name': {
    fires: [{ text: '[Slice]\n', options: { path: '/proj/a--b.slice' } }],
    silent: [{ text: '[Slice]\n', options: { path: '/proj/a-b.slice' } }],
  },
  'slice-of-slice': {
    fires: [{ text: '[Slice]\nSlice=a.slice\n', options: { path: '/proj/a-b.slice' } }],
    silent: [{ text: '[Slice]\nCPUWeight=10\n', options: { path: '/proj/a-b.slice' } }],
  },
  'unit-type-not-template': {
    fires: [{ text: '[Slice]\n', options: { path: '/proj/a@b.slice' } }],
    silent: [{ text: '[Timer]\nOnCalendar=daily\n', options: { path: '/proj/a@b.timer' } }],
  },
};

for (const [code, { fires, silent }] of Object.entries(CASES) as Array<[DiagnosticCode, (typeof CASES)[DiagnosticCode]]>) {
  test(`${code}: fires`, () => {
    for (const c of fires) assert.ok(codesOf(c.text, c.options).includes(code), `expected ${code} for:\n${c.text}\ngot ${codesOf(c.text, c.options)}`);
  });
  test(`${code}: stays silent`, () => {
    for (const c of silent) assert.ok(!codesOf(c.text, c.options).includes(code), `unexpected ${code} for:\n${c.text}`);
  });
}

test('every fires case reports the code at its documented severity', () => {
  const lspSeverity = { error: 1, warning: 2, information: 3, hint: 4 } as const;
  for (const [code, { fires }] of Object.entries(CASES) as Array<[DiagnosticCode, (typeof CASES)[DiagnosticCode]]>) {
    if (code === 'inline-comment') continue; // two strengths, tested below
    for (const c of fires) {
      const found: Diagnostic[] = diagnose(c.text, c.options).filter((d) => d.code === code);
      for (const d of found) assert.equal(d.severity, lspSeverity[DIAGNOSTIC_CODES[code].severity], code);
    }
  }
});

test('an inline comment that breaks the value is a warning and replaces the value error', () => {
  const breaking = diagnose(S('ListenStream=8080 # web\nListenStream=81'));
  assert.deepEqual(breaking.map((d) => [d.code, d.severity]), [['inline-comment', 2]]);
  const harmless = diagnose('[Unit]\nDescription=Echo # demo\n' + S('ListenStream=80'));
  assert.deepEqual(harmless.map((d) => [d.code, d.severity]), [['inline-comment', 3]]);
});

test('a clean socket + service pair has no diagnostics at all', () => {
  const text = '[Unit]\nDescription=Echo\n\n[Socket]\nListenStream=127.0.0.1:7\nAccept=yes\nMaxConnections=16\n\n[Install]\nWantedBy=sockets.target\n';
  assert.deepEqual(codesOf(text), []);
});

test('the only ListenStream ruined by an inline comment leaves the socket refused', () => {
  assert.deepEqual(codesOf(S('ListenStream=8080 # web')).sort(), ['inline-comment', 'no-listen']);
});

test('drop-ins are checked for what they contain, not for what only the whole unit needs', () => {
  const path = '/proj/echo.socket.d/override.conf';
  assert.deepEqual(codesOf('[Socket]\nBacklog=64\n', { path, siblings: [] }), []);
  assert.deepEqual(codesOf('[Socket]\nBacklog=lots\n', { path }), ['invalid-value']);
  assert.deepEqual(codesOf('[Service]\nExecStart=/bin/true\n', { path }), ['unknown-section']);
});

test('every code is documented in the README table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.match(readme, new RegExp(`\\| \`${code}\` \\|`), code);
});

test('BindIPv6Only= empty or invalid: the message names all five words and what yes and no mean', () => {
  for (const value of ['', 'sometimes']) {
    const found = diagnose(S(`ListenStream=80\nBindIPv6Only=${value}`)).filter((d) => d.code === 'invalid-value');
    assert.equal(found.length, 1, value);
    const message = found[0].message;
    for (const word of ['default', 'both', 'ipv6-only']) assert.ok(message.includes(word), `${word} in: ${message}`);
    assert.ok(message.includes('yes (= ipv6-only)') && message.includes('no (= both)'), message);
  }
});

test('relative-exec-argument: a script of an interpreter is a warning, another ./ argument information; the user manager starts in the home directory', () => {
  const script = diagnose('[Service]\nExecStart=/usr/bin/python3 -u app.py\n', { path: '/proj/echo.service' }).filter((d) => d.code === 'relative-exec-argument');
  assert.deepEqual(script.map((d) => [d.severity, d.range.start.character, d.range.end.character]), [[2, 30, 36]]);
  assert.ok(script[0].message.includes('/ (the system manager)'), script[0].message);
  const other = diagnose('[Service]\nExecStart=/usr/bin/tool ./data.json\n', { path: '/proj/echo.service' }).filter((d) => d.code === 'relative-exec-argument');
  assert.deepEqual(other.map((d) => d.severity), [3]);
  const user = diagnose('[Service]\nExecStart=/usr/bin/node server.js\n', { path: '/home/ada/.config/systemd/user/echo.service' }).filter((d) => d.code === 'relative-exec-argument');
  assert.ok(user[0]?.message.includes('home directory'), JSON.stringify(user));
  // Several commands on one line (";"), java -jar, and @argv0.
  const many = diagnose('[Service]\nType=oneshot\nExecStart=/usr/bin/true ; /usr/bin/java -jar app.jar\nExecStart=@/usr/bin/python3 myapp main.py\n', { path: '/proj/echo.service' });
  assert.deepEqual(many.filter((d) => d.code === 'relative-exec-argument').map((d) => d.range.start.line), [2, 3]);
});
