import Testing

@Test func RepositoryTestsPlaceholder() {}
