/// The result of a read that must not wait: the value, or word that getting it means waiting.
public enum ImmediateRead<Value: Sendable>: Sendable {
    case value(Value)
    case wouldWait
}

extension ImmediateRead: Equatable where Value: Equatable {}
