extension Compiler {
    /// igncc's version, the one place it is set: `igncc --version` prints it and `igncc serve`
    /// logs it at start-up. Semantic versioning, 0.x until the command line and the site format
    /// are declared stable; bumped (here only) when a release is tagged. 0.12.0: issue 12's work,
    /// eleven feature issues after the first.
    public static let version = "0.12.0"
}
