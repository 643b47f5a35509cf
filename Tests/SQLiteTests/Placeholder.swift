import Testing

@Test func SQLiteTestsPlaceholder() {}
