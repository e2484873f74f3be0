/**
 * Unit skeletons ("sd-socket", "sd-service" …): whole units for socket activation, offered by completion on
 * a blank line where a unit can start. They used to be static VS Code snippets, which cannot know the file:
 * every snippet showed in every unit type (one language id for all of them), each twice (two prefixes), and
 * with "myapp" where the file's own name belongs. Here each skeleton is offered once, only in the kind of
 * file it is meant for (a plain or a template name, a drop-in), with the names taken from the file name
 * (web.socket → web; foo@.socket → foo), still as placeholders the user can overwrite. Any LSP client that
 * takes snippet completions gets them.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { UnitContext } from './unitContext';
import { unitPrefix } from './unitContext';
import { isValidUnitName, unitNameForm } from './values/unitName';

/** Which files a skeleton belongs in. */
type Home = 'socket' | 'template-socket' | 'service' | 'template-service' | 'service-dropin';

export interface Skeleton {
  label: string;
  /** One line: what it is. */
  detail: string;
  /** Why it looks the way it does (shown as documentation). */
  description: string;
  homes: readonly Home[];
  /** Snippet lines for the file's names (already escaped for snippet syntax). */
  body(names: Names): string[];
  /** Lines to insert inside an existing section (the sandbox block inside [Service]); undefined: whole units only. */
  inSection?: { section: string; body(names: Names): string[] };
}

export interface Names {
  /** The unit's prefix: "web" for web.socket, "foo" for foo@.socket; a default when the file has no unit name. */
  prefix: string;
  /** For NAME-PART.socket, the part after the last "-" (the descriptor name of a named socket). */
  part?: string;
  /** The prefix before that "-" (the service the named socket belongs to). */
  owner?: string;
}

/** Placeholder syntax: "$", "}" and "\" are special in a snippet. */
function escape(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

const SANDBOX_LINES = (n: Names): string[] => [
  'DynamicUser=yes',
  `StateDirectory=\${1:${n.prefix}}`,
  'PrivateNetwork=${2|yes,no|}',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'MemoryDenyWriteExecute=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'UMask=0077',
  '$0',
];

export const SKELETONS: readonly Skeleton[] = [
  {
    label: 'sd-socket',
    detail: 'Socket unit for a socket-activated service',
    description: 'The .socket half of the usual pair: systemd listens, and starts NAME.service with the listening socket on the first connection. Pair it with sd-service in NAME.service.',
    homes: ['socket'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:Socket for \${1:${n.prefix}}}`,
      'Documentation=man:systemd.socket(5)',
      '',
      '[Socket]',
      'ListenStream=${3:8080}',
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '$0',
    ],
  },
  {
    label: 'sd-service',
    detail: 'Service started by its socket',
    description: 'The .service half of the pair: it gets the listening socket as file descriptor 3 (sd_listen_fds), so it must not bind the port itself. No [Install] section: the socket is what gets enabled.',
    homes: ['service'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:\${1:${n.prefix}} (socket-activated)}`,
      `Requires=\${1:${n.prefix}}.socket`,
      `After=\${1:${n.prefix}}.socket`,
      '',
      '[Service]',
      `ExecStart=\${3:/usr/local/bin/\${1:${n.prefix}}}`,
      '$0',
    ],
  },
  {
    label: 'sd-accept-socket',
    detail: 'Accept=yes socket (inetd style)',
    description: 'inetd-style socket: systemd accepts every connection itself and starts one instance of NAME@.service per connection, with the connection as its stdin/stdout. Pair it with sd-accept-service in NAME@.service; a Service= line is not allowed here.',
    homes: ['socket'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:\${1:${n.prefix}} per-connection socket}`,
      '',
      '[Socket]',
      'ListenStream=${3:7777}',
      'Accept=yes',
      'MaxConnections=${4:64}',
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '$0',
    ],
  },
  {
    label: 'sd-accept-service',
    detail: 'Per-connection template service for Accept=yes',
    description: 'The template service an Accept=yes socket starts once per connection: the program talks to the client on stdin/stdout and exits when the connection ends.',
    homes: ['template-service'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:\${1:${n.prefix}} connection %i}`,
      '',
      '[Service]',
      `ExecStart=\${3:/usr/local/bin/\${1:${n.prefix}}}`,
      'StandardInput=socket',
      'StandardOutput=socket',
      'StandardError=journal',
      '$0',
    ],
  },
  {
    label: 'sd-named-socket',
    detail: 'Named socket (one of several for one service)',
    description: 'One named socket of a service that listens on several: FileDescriptorName= names every socket of a unit, so each name gets its own .socket unit (SERVICE-NAME.socket), and Service= points them all at the same service. Then use sd-named-service in SERVICE.service.',
    homes: ['socket'],
    body: (n) => [
      '[Unit]',
      `Description=\${3:\${1:${n.owner ?? n.prefix}} \${2:${n.part ?? 'http'}} socket}`,
      '',
      '[Socket]',
      'ListenStream=${4:8080}',
      `FileDescriptorName=\${2:${n.part ?? 'http'}}`,
      `Service=\${1:${n.owner ?? n.prefix}}.service`,
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '$0',
    ],
  },
  {
    label: 'sd-named-service',
    detail: 'Service with several named sockets',
    description: 'The service behind several named .socket units: Sockets= lists them, and the program finds each descriptor by its FileDescriptorName= (sd_listen_fds_with_names, or $LISTEN_FDNAMES).',
    homes: ['service'],
    body: (n) => [
      '[Unit]',
      `Description=\${4:\${1:${n.prefix}} (socket-activated)}`,
      '',
      '[Service]',
      `ExecStart=\${5:/usr/local/bin/\${1:${n.prefix}}}`,
      `Sockets=\${1:${n.prefix}}-\${2:http}.socket \${1:${n.prefix}}-\${3:admin}.socket`,
      '$0',
    ],
  },
  {
    label: 'sd-template-socket',
    detail: 'Per-tenant template socket',
    description: 'A template socket: NAME@acme.socket listens on /run/NAME/acme.sock (%i is the instance) and starts NAME@acme.service. Enable one instance per tenant, e.g. systemctl enable --now NAME@acme.socket. Pair it with sd-template-service in NAME@.service.',
    homes: ['template-socket'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:\${1:${n.prefix}} socket for tenant %i}`,
      '',
      '[Socket]',
      `ListenStream=/run/\${1:${n.prefix}}/%i.sock`,
      'SocketMode=${3:0660}',
      'RemoveOnStop=yes',
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '$0',
    ],
  },
  {
    label: 'sd-template-service',
    detail: 'Per-tenant template service',
    description: 'The service a per-tenant template socket starts: same instance name, so %i tells it which tenant it serves; each tenant gets its own state folder.',
    homes: ['template-service'],
    body: (n) => [
      '[Unit]',
      `Description=\${2:\${1:${n.prefix}} for tenant %i}`,
      '',
      '[Service]',
      `ExecStart=\${3:/usr/local/bin/\${1:${n.prefix}}} --tenant=%i`,
      'DynamicUser=yes',
      `StateDirectory=\${1:${n.prefix}}/%i`,
      '$0',
    ],
  },
  {
    label: 'sd-sandbox',
    detail: 'Sandboxing for a socket-activated service',
    description: 'Locks a socket-activated service down. It can live without its own network (PrivateNetwork=yes) because systemd opens the sockets outside and passes them in; choose "no" if the program makes outgoing connections. Works in the service or as a drop-in (NAME.service.d/sandbox.conf).',
    homes: ['service', 'template-service', 'service-dropin'],
    body: (n) => ['[Service]', ...SANDBOX_LINES(n)],
    inSection: { section: 'Service', body: SANDBOX_LINES },
  },
];

/** Which skeletons fit this file ('other': none); undefined when its type is unknown (an untitled file: all of them). */
function homeOf(context: UnitContext): Home | 'other' | undefined {
  const name = context.unitName;
  if (!name || !context.unitType) return undefined;
  if (context.isDropIn) return context.unitType === 'service' ? 'service-dropin' : 'other';
  const template = unitNameForm(name) !== 'plain';
  if (context.unitType === 'socket') return template ? 'template-socket' : 'socket';
  if (context.unitType === 'service') return template ? 'template-service' : 'service';
  return 'other';
}

/** The names a file gives its skeletons: its prefix, and for PREFIX-PART.socket the two halves. */
export function namesOf(context: UnitContext): Names {
  if (!context.unitName) return { prefix: 'myapp' };
  const prefix = unitPrefix(context.unitName) || 'myapp';
  const dash = prefix.lastIndexOf('-');
  const split = dash > 0 && dash < prefix.length - 1 ? { owner: escape(prefix.slice(0, dash)), part: escape(prefix.slice(dash + 1)) } : {};
  return { prefix: escape(prefix), ...split };
}

export interface SkeletonPlace {
  /** The line's text so far is replaced (the prefix being typed, "sd-…"). */
  replace: Range;
  /** The section the blank line is in; undefined before the first header. */
  section?: string;
  /** The file has no section header yet: a whole unit fits. */
  noSections: boolean;
}

/** Skeleton items for a blank line (or one holding just the word being typed). */
export function skeletonItems(context: UnitContext, place: SkeletonPlace): CompletionItem[] {
  const home = homeOf(context);
  const names = namesOf(context);
  const items: CompletionItem[] = [];
  SKELETONS.forEach((s, i) => {
    if (home !== undefined && (home === 'other' || !s.homes.includes(home))) return;
    let lines: string[] | undefined;
    if (place.noSections) lines = s.body(names);
    else if (s.inSection && place.section === s.inSection.section) lines = s.inSection.body(names);
    if (!lines) return;
    items.push({
      label: s.label,
      kind: CompletionItemKind.Snippet,
      detail: s.detail,
      documentation: { kind: 'markdown', value: s.description },
      filterText: s.label,
      sortText: `00-${String(i).padStart(2, '0')}`,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: place.replace, newText: lines.join('\n') },
    });
  });
  return items;
}

/**
 * A snippet body with every placeholder replaced by its default: `${1:web}` → web, `${2|yes,no|}` → yes,
 * `$0`/`$3` → nothing, `\$` → $. Nested placeholders resolve from the inside out.
 */
export function snippetDefaults(body: string): string {
  let text = body;
  for (;;) {
    const next = text.replace(/\$\{\d+:((?:[^${}\\]|\\.)*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1');
    if (next === text) break;
    text = next;
  }
  return text.replace(/\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}

/** A skeleton as plain text for the unit prefix NAME (the "New Socket-Activated Service" command writes it). */
export function skeletonText(label: string, prefix: string): string {
  const skeleton = SKELETONS.find((s) => s.label === label);
  if (!skeleton) throw new Error(`no ${label} skeleton`);
  return `${snippetDefaults(skeleton.body({ prefix: escape(prefix) }).join('\n')).trimEnd()}\n`;
}

/** Why NAME cannot be the prefix of a plain NAME.socket / NAME.service pair, or undefined when it can. */
export function pairNameProblem(name: string): string | undefined {
  if (name === '') return 'a name is needed, e.g. web';
  if (name.includes('@')) return 'this creates a plain pair, not a template: leave out the "@"';
  if (!isValidUnitName(`${name}.service`)) {
    return `${name}.service is not a unit name systemd accepts (letters, digits and ":_.-\\" only, at most 255 characters)`;
  }
  return undefined;
}
