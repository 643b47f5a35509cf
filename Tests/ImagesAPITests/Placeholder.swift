import Testing

@Test func ImagesAPITestsPlaceholder() {}
