/// How the emulator's upload notifications are shaped.
public enum WebhookFormat: String, Sendable, CaseIterable {
    /// What Cloudflare sends: a Notifications envelope (`name`, `text`, `data`, `ts`, `account_id`, `policy_id`,
    /// `policy_name`, `alert_type: "image_notification"`, `alert_correlation_id`, `alert_event`) with the
    /// destination's secret verbatim in `cf-webhook-auth` and no signature header.
    case notifications
    /// The flat image object django-cloudflareimages-toolkit's webhook reads, with `X-Signature: sha256=<HMAC>`
    /// (when signing is on) beside `cf-webhook-auth`.
    case flat
}
