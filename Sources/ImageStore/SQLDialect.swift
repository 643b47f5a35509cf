/// The SQL a statement builder writes: the fragments `ImageListSQL` shares between the backends differ only where
/// the dialects do (case folding, JSON paths, NULL order, "no limit").
enum SQLDialect: Sendable {
    case sqlite, postgresql
}
