/** Hand-written documentation for one directive, in our own words (never man-page prose). */
export interface DirectiveDoc {
  /** What it does and why you'd set it: 1–3 sentences. */
  summary: string;
  /** Value syntax in short, e.g. "boolean", "a port, ip:port, /path or @name". */
  syntax: string;
  /** What systemd does when it is not set. */
  default?: string;
  /** A two-line example in unit-file syntax, e.g. "ListenStream=8080\nListenStream=/run/web.sock". */
  example: string;
}
