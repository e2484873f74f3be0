/**
 * Address forms for the Listen*= directives of [Socket], as snippets with ready-to-use defaults.
 * Which forms each directive takes follows config_parse_socket_listen() (see
 * shared/reference/systemd-listen-rules.md): stream and datagram sockets take ports, IP addresses,
 * AF_UNIX paths, abstract names and vsock; SOCK_SEQPACKET only works with AF_UNIX; FIFOs, special files
 * and message queues are paths; netlink takes a family name.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import { NETLINK_FAMILIES } from './values/listen';
import { unitPrefix } from './unitContext';

export interface ListenFormContext {
  unitName?: string;
  scope: 'system' | 'user';
}

interface ListenForm {
  snippet: string;
  detail: string;
  documentation?: string;
}

/** A name for paths and abstract sockets: the unit's own prefix ("web" for web.socket), else "name". */
function baseName(ctx: ListenFormContext): string {
  const prefix = ctx.unitName ? unitPrefix(ctx.unitName) : '';
  return /^[A-Za-z0-9_.-]+$/.test(prefix) ? prefix : 'name';
}

/**
 * Where runtime sockets live: /run for the system manager; a user manager cannot write there, so its
 * units use %t ($XDG_RUNTIME_DIR).
 */
function runtimeDir(ctx: ListenFormContext): string {
  return ctx.scope === 'user' ? '%t' : '/run';
}

function unixForms(ctx: ListenFormContext): ListenForm[] {
  const name = baseName(ctx);
  return [
    {
      snippet: `${runtimeDir(ctx)}/\${1:${name}}.sock`,
      detail: 'AF_UNIX socket at a file-system path',
      documentation: 'The path plus its terminating NUL must fit in 108 bytes. systemd creates the parent folders and the socket node (SocketMode=, DirectoryMode=).',
    },
    {
      snippet: `@\${1:${name}}`,
      detail: 'abstract AF_UNIX socket (no file in the file system)',
      documentation: 'Lives in the network namespace, not on disk; file permissions (SocketMode=) do not apply.',
    },
  ];
}

function ipForms(protocol: 'TCP' | 'UDP'): ListenForm[] {
  return [
    {
      snippet: '${1:8080}',
      detail: `${protocol} port on all addresses, IPv6 and IPv4`,
      documentation: 'Binds [::]:PORT. With BindIPv6Only=default and the kernel default (bindv6only=0) IPv4 clients are served too.',
    },
    { snippet: '${1:127.0.0.1}:${2:8080}', detail: `${protocol} port on one IPv4 address (127.0.0.1: this machine only)` },
    { snippet: '[${1:::1}]:${2:8080}', detail: `${protocol} port on one IPv6 address (::1: this machine only)` },
  ];
}

const VSOCK_FORM: ListenForm = {
  snippet: 'vsock:${1:2}:${2:1234}',
  detail: 'AF_VSOCK socket, CID:PORT (virtual machine ↔ host)',
  documentation: 'CID 2 is the host; an empty CID (vsock::PORT) accepts any.',
};

/** Short meanings of the netlink families people actually use; the others just say "netlink family". */
const NETLINK_DETAILS: Readonly<Record<string, string>> = {
  route: 'routing, link and address changes (rtnetlink)',
  'kobject-uevent': 'kernel device events (what udev listens to)',
  audit: 'kernel audit messages',
  generic: 'generic netlink (nl80211, taskstats, …)',
  netfilter: 'netfilter messages',
  'inet-diag': 'socket monitoring (ss)',
  connector: 'kernel connector (e.g. process events)',
};

function formsFor(directive: string, ctx: ListenFormContext): ListenForm[] {
  const name = baseName(ctx);
  switch (directive) {
    case 'ListenStream':
      return [...ipForms('TCP'), ...unixForms(ctx), VSOCK_FORM];
    case 'ListenDatagram':
      return [...ipForms('UDP'), ...unixForms(ctx), VSOCK_FORM];
    case 'ListenSequentialPacket':
      return unixForms(ctx).map((f) => ({ ...f, detail: `${f.detail}; SOCK_SEQPACKET works only with AF_UNIX` }));
    case 'ListenFIFO':
      return [{ snippet: `${runtimeDir(ctx)}/\${1:${name}}.fifo`, detail: 'named pipe (FIFO) that systemd creates' }];
    case 'ListenSpecial':
      return [
        { snippet: '/dev/${1:ttyS0}', detail: 'character device to open' },
        { snippet: '/proc/kmsg', detail: 'kernel log buffer (special file)' },
      ];
    case 'ListenMessageQueue':
      return [{ snippet: `/\${1:${name}}`, detail: 'POSIX message queue name' }];
    case 'ListenUSBFunction':
      return [{ snippet: `/run/usb-ffs/\${1:${name}}`, detail: 'FunctionFS mount point (USB gadget)' }];
    default:
      return [];
  }
}

/** "${1:127.0.0.1}:${2:8080}" → "127.0.0.1:8080": the label shows what the snippet inserts by default. */
function snippetDefaults(snippet: string): string {
  return snippet.replace(/\$\{\d+:([^{}]*)\}/g, '$1');
}

function netlinkItems(): CompletionItem[] {
  return NETLINK_FAMILIES.map((family, i) => ({
    label: family,
    kind: CompletionItemKind.EnumMember,
    detail: NETLINK_DETAILS[family] ?? 'netlink family',
    // The common families first, in the order of the table above.
    sortText: family in NETLINK_DETAILS ? `0-${Object.keys(NETLINK_DETAILS).indexOf(family)}` : `1-${String(i).padStart(2, '0')}`,
    insertText: family,
  }));
}

/** Items for a Listen*= value, with insertText only: the caller turns it into an edit of the value. */
export function listenItems(directive: string, ctx: ListenFormContext): CompletionItem[] {
  if (directive === 'ListenNetlink') return netlinkItems();
  return formsFor(directive, ctx).map((form, i) => {
    const item: CompletionItem = {
      label: snippetDefaults(form.snippet),
      kind: CompletionItemKind.Value,
      detail: form.detail,
      sortText: String(i).padStart(2, '0'),
      insertText: form.snippet,
      insertTextFormat: InsertTextFormat.Snippet,
    };
    if (form.documentation) item.documentation = form.documentation;
    return item;
  });
}
