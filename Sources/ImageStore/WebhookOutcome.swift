/// What applying a webhook delivery did.
public enum WebhookOutcome: Sendable, Hashable {
    /// The change was applied and the event key recorded, in one transaction.
    case applied(ImageRecord)
    /// The event key was seen before; nothing changed.
    case duplicate
    /// No image has that Cloudflare ID (in scope); nothing was recorded, so a redelivery is processed afresh.
    case unknownImage
}
