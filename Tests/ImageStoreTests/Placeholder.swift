import Testing

@Test func ImageStoreTestsPlaceholder() {}
