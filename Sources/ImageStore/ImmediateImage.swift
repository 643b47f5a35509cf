/// The answer of an image lookup that must not wait. Not generic on purpose: a generic enum crossing the module
/// boundary is copied and destroyed through runtime value witnesses, which cost as much as the rest of the lookup.
public enum ImmediateImage: Sendable, Equatable {
    case found(ImageRecord)
    case missing
    /// Answering means waiting (a lock held elsewhere, a network round trip): ask `ImageRepository.image(_:owner:)` instead.
    case wouldWait
}
