/**
 * Hand-written documentation for the [Install] directives (systemd.unit(5)), in our own words. These keys
 * are only read by systemctl enable/disable/reenable (src/shared/install.c), never by the running manager.
 */
import type { DirectiveDoc } from './types';

export const INSTALL_DOCS: Record<string, DirectiveDoc> = {
  Alias: {
    summary:
      'Extra names for the unit: systemctl enable creates a symlink for each, so the unit can also be started under that name. ' +
      'An alias must have the same type suffix as the unit (a .socket can only be aliased to another .socket name).',
    syntax: 'space-separated unit names with the same suffix, repeatable',
    default: 'none',
    example: 'Alias=webapi.service\nWantedBy=multi-user.target',
  },
  WantedBy: {
    summary:
      'On systemctl enable, adds a Wants= link from each listed unit (a symlink in its .wants/ directory) so this unit is started together with it. ' +
      'Socket units are normally WantedBy=sockets.target; the service behind them then needs no [Install] section of its own.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none: enable creates no .wants/ link',
    example: 'WantedBy=multi-user.target\nWantedBy=graphical.target',
  },
  RequiredBy: {
    summary:
      'Like WantedBy=, but enable adds a Requires= link (a .requires/ symlink): the listed unit then fails or stops along with this one. Use it sparingly.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'RequiredBy=webapp.target\nWantedBy=multi-user.target',
  },
  UpheldBy: {
    summary:
      'On enable, adds an Upholds= link (a .upholds/ symlink) from each listed unit, which then keeps restarting this unit whenever it is found inactive.',
    syntax: 'space-separated unit names, repeatable (systemd 249+)',
    default: 'none',
    example: 'UpheldBy=multi-user.target\nAlias=watchdogd.service',
  },
  Also: {
    summary:
      'Other units to enable or disable together with this one. A socket-activated service commonly lists its socket here, so that enabling the service turns on the socket that actually starts it.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'Also=webapp.socket\nAlso=webapp-admin.socket',
  },
  DefaultInstance: {
    summary:
      'For template units (name@.service, name@.socket): the instance that systemctl enable uses when you enable the bare template without naming one. ' +
      'The per-connection name@.service behind an Accept=yes socket needs none of this — the socket creates its instances itself.',
    syntax: 'an instance string (the part after "@"), specifiers allowed',
    default: 'unset: systemctl enable on the bare template is refused for WantedBy=/RequiredBy=; name an instance instead (name@foo.service)',
    example: 'DefaultInstance=main\nWantedBy=multi-user.target',
  },
};
