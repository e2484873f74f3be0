/**
 * Starting points for a service that a socket starts, one per way of being started:
 *  - Accept=no: one long-running server that takes the listening socket(s) from fd 3 on;
 *  - Accept=yes: one short-lived instance per connection, the connection on stdin/stdout (inetd style).
 * No [Install] section: the socket starts the service, so it never needs enabling on its own.
 * The ExecStart= line is a placeholder the user replaces.
 */
import { unitPrefix } from './unitContext';
import { unitNameForm } from './values/unitName';

/** A program path that passes systemd's executable checks whatever the unit is called. */
function placeholderProgram(serviceName: string): string {
  const name = unitPrefix(serviceName).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'server';
  return `/usr/local/bin/${name}`;
}

export interface ServiceTemplateInput {
  /** "web.service", "web@.service" */
  service: string;
  /** The socket that starts it ("web.socket", "web@.socket"). */
  socket: string;
  /** Accept= of that socket. */
  accept: boolean;
}

/** The lines of a new service for a socket. */
export function serviceTemplate({ service, socket, accept }: ServiceTemplateInput): string[] {
  const program = placeholderProgram(service);
  const prefix = unitPrefix(service);
  if (accept) {
    return [
      '[Unit]',
      `Description=${prefix} connection %i (started by ${socket})`,
      '',
      '[Service]',
      `# ${socket} has Accept=yes: it accepts each connection and starts one instance of this template`,
      '# for it. StandardInput=socket makes the connection the program\'s stdin and stdout (inetd style).',
      '# Replace the command with yours. No [Install] section: the socket starts the instances.',
      `ExecStart=${program}`,
      'StandardInput=socket',
    ];
  }
  const instance = unitNameForm(service) === 'template';
  return [
    '[Unit]',
    instance ? `Description=${prefix} instance %i (started by ${prefix}@%i.socket)` : `Description=${prefix} (started by ${socket})`,
    '',
    '[Service]',
    `# ${instance ? `${prefix}@%i.socket` : socket} starts this service on the first connection and passes its listening`,
    '# socket(s) from fd 3 on ($LISTEN_FDS, $LISTEN_FDNAMES): the program must accept connections on fd 3',
    '# instead of binding the address itself. Replace the command with yours. No [Install] section: the',
    '# socket starts the service.',
    `ExecStart=${program}`,
  ];
}
