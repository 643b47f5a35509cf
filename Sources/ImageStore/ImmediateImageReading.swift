/// A repository that can answer a point read on the calling thread without ever waiting (no lock, no network round
/// trip): for an HTTP event loop's fast path, which must never block. Optional: a backend that cannot promise
/// that (one across a network) implements `ImageRepository` alone, and its callers take the asynchronous path.
public protocol ImmediateImageReading: Sendable {
    /// `ImageRepository.image(_:owner:)` answered at once on the calling thread, from the same snapshot guarantees,
    /// or `.wouldWait` when answering needs any wait: then call `image(_:owner:)`.
    func imageWithoutWaiting(_ key: ImageKey, owner: String?) throws -> ImmediateImage
}
