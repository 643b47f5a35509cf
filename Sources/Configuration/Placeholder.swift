// Placeholder: this module is being built.
enum ConfigurationModulePlaceholder {}
