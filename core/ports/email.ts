/** An email to one member. Plain text: login links and notices, nothing that needs markup. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends email. Failures throw; callers decide whether a retry makes sense. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}
