import Testing

@Test func ConfigurationTestsPlaceholder() {}
