/// The authenticated user behind a request.
struct Caller: Sendable, Hashable {
    let userName: String
    let isAdmin: Bool

    /// The owner scope for image lookups: the caller's own images, or every image for administrators.
    var scope: String? { isAdmin ? nil : userName }
}
