// The one sanitizer for text from outside (a tool's output, a log line, a pod's reason, a path argument)
// before it reaches a terminal or a report: escape sequences (CSI such as ESC[2J, OSC such as the OSC 52
// clipboard write, DCS/APC/PM/SOS strings, in their ESC and C1 forms) and other control characters are
// dropped; tabs and newlines stay. terminalSafe() is the last guard on what this tool writes: the same,
// except the colour codes this tool paints itself (src/report/style.ts).

/** ESC or C1 sequences: CSI, string sequences (OSC, DCS, SOS, PM, APC) up to BEL / ST or the end, two-byte ESC. */
const SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[ -/]*[0-~]?/g;
/** C0 but tab and newline, DEL, C1, and the bidirectional overrides that reorder what is shown. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The SGR codes paint() uses: bold, dim, the colours, and their resets. */
const OUR_SGR = /^\u001b\[(?:1|2|22|3[1-6]|39)m$/;
const ANY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function printable(text: string): string {
  if (!ANY.test(text)) return text;
  return text.replace(SEQUENCE, '').replace(CONTROL, '');
}

/** Like printable(), keeping this tool's own colour codes. */
export function terminalSafe(text: string): string {
  if (!ANY.test(text)) return text;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SEQUENCE)) {
    out += text.slice(last, m.index).replace(CONTROL, '') + (OUR_SGR.test(m[0]) ? m[0] : '');
    last = m.index + m[0].length;
  }
  return out + text.slice(last).replace(CONTROL, '');
}
