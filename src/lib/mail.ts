// What the product would e-mail (password-reset links; invitation links are shown to the
// inviting admin instead). There is no mail library among the dependencies, so the one sender
// today prints to the server log for development; an SMTP sender plugs in behind this interface
// later (docs/accounts.md, "Mail"). A message carries a path, never an absolute URL built from the
// request's Host header: a forged Host would otherwise put an attacker's site in the link.
export interface MailMessage {
  to: string;
  subject: string;
  /** The text, with `{link}` where the sender puts its configured public origin + `path`. */
  text: string;
  /** The site-relative link the message is about, e.g. "/reset-password?token=…". */
  path: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Development: the message goes to the server log (the operator copies the link by hand). */
export function logMailer(log: (line: string) => void): Mailer {
  return {
    async send(message) {
      log(`Mail to ${message.to}: ${message.subject}: ${message.path}`);
    },
  };
}
