import Foundation

extension ButaneTranslator {
    /// `storage.trees`: every regular file under `local` becomes a file (mode 0644, or 0755 when
    /// any execute bit is set, unless the config gives one), every symlink a link, in the lexical
    /// walk order of Go's `filepath.Walk`. A path the config already fills is an error.
    mutating func processTrees(into config: inout ConfigNode) {
        let trees = source["storage"]?["trees"]?.items ?? []
        guard !trees.isEmpty else { return }
        var storage = config["storage"] ?? .object()
        var files = storage["files"]?.items ?? []
        var links = storage["links"]?.items ?? []
        let directories = Set((storage["directories"]?.items ?? []).compactMap { $0["path"]?.string })
        for tree in trees {
            let location = tree.location
            guard let base = options.filesDirectory else {
                diagnostics.error(Self.noFilesDir, at: location)
                return
            }
            guard let local = tree["local"]?.string, !local.isEmpty else { continue }
            guard let root = Self.resolve(local, in: base) else {
                diagnostics.error("local file path traverses outside the files directory", at: location)
                continue
            }
            var info = stat()
            guard stat(root, &info) == 0 else {
                diagnostics.error("cannot read tree '\(local)': \(SystemError.text())", at: location)
                continue
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                diagnostics.error("root of tree must be a directory", at: location)
                continue
            }
            let destination = tree["path"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
            walk(root, relative: "") { relative, kind in
                let target = Self.join(destination, relative)
                switch kind {
                case .file(let bytes, let executable):
                    var file: ConfigNode
                    let index = files.firstIndex { $0["path"]?.string == target }
                    if let index {
                        file = files[index]
                        if file["contents"]?["source"] != nil {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                    } else {
                        if links.contains(where: { $0["path"]?.string == target }) || directories.contains(target) {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                        file = .object([ConfigEntry(key: "path", keyLocation: location, node: .string(target, at: location))], at: location)
                    }
                    var contents = file["contents"] ?? .object(at: location)
                    let (url, compression) = Self.dataURL(bytes, compression: contents["compression"]?.string)
                    contents["source"] = .string(url, at: location)
                    if let compression { contents["compression"] = .string(compression, at: location) }
                    file["contents"] = contents
                    if file["mode"] == nil { file["mode"] = .int(executable ? 0o755 : 0o644, at: location) }
                    if let index { files[index] = file } else { files.append(file) }
                case .link(let destinationOfLink):
                    let index = links.firstIndex { $0["path"]?.string == target }
                    var link: ConfigNode
                    if let index {
                        link = links[index]
                        if link["target"] != nil {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                    } else {
                        if files.contains(where: { $0["path"]?.string == target }) || directories.contains(target) {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                        link = .object([ConfigEntry(key: "path", keyLocation: location, node: .string(target, at: location))], at: location)
                    }
                    link["target"] = .string(destinationOfLink, at: location)
                    if let index { links[index] = link } else { links.append(link) }
                case .other:
                    diagnostics.error("trees may only contain files, directories, and symlinks", at: location)
                case .unreadable(let path, let code):
                    diagnostics.error("cannot read '\(path)' in tree '\(local)': \(SystemError.text(code))", at: location)
                }
            }
        }
        if !files.isEmpty { storage["files"] = .list(files) }
        if !links.isEmpty { storage["links"] = .list(links) }
        config["storage"] = storage
    }

    enum TreeEntry {
        case file([UInt8], executable: Bool)
        case link(String)
        case other
        /// A path that could not be read, and the error number.
        case unreadable(String, Int32)
    }

    /// Walks `directory` in byte order of names, not following symlinks.
    private func walk(_ directory: String, relative: String, _ body: (String, TreeEntry) -> Void) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            // Why the listing failed, in the system's words.
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            let code = fd < 0 ? errno : EIO
            if fd >= 0 { close(fd) }
            body(relative, .unreadable(directory, code))
            return
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = directory + "/" + name
            let child = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else {
                body(child, .unreadable(path, errno))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(path, relative: child, body)
            case S_IFREG:
                switch BoundedFile.read(path, limit: Int.max) {
                case .bytes(let bytes):
                    body(child, .file(bytes, executable: info.st_mode & 0o111 != 0))
                case .unreadable(let code):
                    body(child, .unreadable(path, code))
                case .tooLarge:
                    body(child, .unreadable(path, EFBIG))
                }
            case S_IFLNK:
                guard let target = try? manager.destinationOfSymbolicLink(atPath: path) else {
                    body(child, .unreadable(path, EIO))
                    continue
                }
                body(child, .link(target))
            default:
                body(child, .other)
            }
        }
    }

    /// Go's `path.Join(base, relative)`.
    static func join(_ base: String, _ relative: String) -> String {
        let joined = relative.isEmpty ? base : base + "/" + relative
        guard joined.hasPrefix("/") else {
            let cleaned = clean("/" + joined)
            return String(cleaned.dropFirst())
        }
        return clean(joined)
    }
}
