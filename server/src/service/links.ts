/**
 * Links in Documentation= (only in [Unit], the one place systemd reads it): every URL systemd accepts
 * there (http:, https:, file:, info:, man:) becomes a link with the exact range of the word. man: pages
 * are sent to the web: systemd's own pages to freedesktop.org, every other page to man7.org. A man:
 * reference without a section only gets a link when it is a systemd page (man7.org needs the section).
 */
import { DocumentLink, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FeatureContext } from './featureContext';
import { valueRangeToSpan, type Entry, type UnitFile } from './parser';
import { wordSpans } from './values/words';

export const SYSTEMD_MAN_BASE = 'https://www.freedesktop.org/software/systemd/man/latest/';
export const MAN7_BASE = 'https://man7.org/linux/man-pages/';

/**
 * Man pages that systemd ships (and freedesktop.org hosts), by name prefix. A section after the prefix
 * restricts the match where another project has a page of the same name (hostname(1), daemon(3)).
 */
const SYSTEMD_PAGES: readonly (readonly [prefix: string, section?: string])[] = [
  ['systemd'], ['sd_'], ['sd-'], ['journald'], ['journalctl'], ['logind'], ['loginctl'], ['networkd'],
  ['networkctl'], ['resolved'], ['resolvectl'], ['timesyncd'], ['timedatectl'], ['tmpfiles'], ['sysusers'],
  ['machinectl'], ['busctl'], ['homectl'], ['homed'], ['userdbctl'], ['portablectl'], ['bootctl'],
  ['coredumpctl'], ['coredump.conf'], ['oomctl'], ['oomd'], ['hostnamectl'], ['localectl'], ['udevadm'],
  ['udev', '7'], ['kernel-install'], ['os-release'], ['machine-id'], ['machine-info'], ['hostname', '5'],
  ['locale.conf'], ['vconsole.conf'], ['crypttab'], ['veritytab'], ['integritytab'], ['repart.d'],
  ['environment.d'], ['binfmt.d'], ['modules-load.d'], ['sysctl.d'], ['nss-'], ['pam_systemd'],
  ['daemon', '7'], ['bootup', '7'], ['file-hierarchy', '7'], ['kernel-command-line', '7'],
];

/** True when systemd ships the man page NAME(SECTION) (section undefined: any section). */
export function isSystemdManPage(name: string, section?: string): boolean {
  return SYSTEMD_PAGES.some(([prefix, only]) => {
    if (!name.startsWith(prefix)) return false;
    if (only === undefined) return true;
    // A section-restricted entry is an exact name, never a prefix (hostname, not hostnamexyz).
    return name === prefix && (section === undefined || section === only);
  });
}

export interface ManTarget {
  target: string;
  tooltip: string;
}

/** Where a man:NAME(SECTION) or man:NAME reference points on the web, or undefined when nowhere. */
export function manPageTarget(reference: string): ManTarget | undefined {
  const m = /^man:([A-Za-z0-9_.:+@-]+)(?:\((\d)([A-Za-z0-9]*)\))?$/.exec(reference);
  if (!m) return undefined;
  const [, name, digit, suffix] = m;
  const section = digit === undefined ? undefined : digit + suffix;
  const title = section === undefined ? name : `${name}(${section})`;
  if (isSystemdManPage(name, section)) {
    return { target: `${SYSTEMD_MAN_BASE}${encodeURIComponent(name)}.html`, tooltip: `Open ${title} (systemd manual, freedesktop.org)` };
  }
  if (section === undefined) return undefined;
  return {
    target: `${MAN7_BASE}man${digit}/${encodeURIComponent(name)}.${section}.html`,
    tooltip: `Open ${title} (man7.org)`,
  };
}

const URL_PREFIXES = ['http://', 'https://', 'file:', 'info:'];


function linksOfEntry(document: TextDocument, entry: Entry): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const word of wordSpans(entry.value)) {
    let target: string | undefined;
    let tooltip: string | undefined;
    if (word.text.startsWith('man:')) {
      const man = manPageTarget(word.text);
      if (man) ({ target, tooltip } = man);
    } else if (URL_PREFIXES.some((p) => word.text.startsWith(p) && word.text.length > p.length)) {
      target = word.text;
      tooltip = `Open ${word.text}`;
    }
    if (target === undefined) continue;
    const span = valueRangeToSpan(entry, word.start, word.end);
    const link = DocumentLink.create(Range.create(document.positionAt(span.start), document.positionAt(span.end)), target);
    link.tooltip = tooltip;
    links.push(link);
  }
  return links;
}

export function findDocumentLinks(document: TextDocument, unit: UnitFile, _ctx: FeatureContext): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const section of unit.sections) {
    if (section.name !== 'Unit') continue;
    for (const entry of section.entries) if (entry.key === 'Documentation') links.push(...linksOfEntry(document, entry));
  }
  return links;
}
