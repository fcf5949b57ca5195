import Foundation

extension ButaneTranslator {
    /// `storage.trees`: every regular file under `local` becomes a file (mode 0644, or 0755 when
    /// any execute bit is set, unless the config gives one), every symlink a link, in the lexical
    /// walk order of Go's `filepath.Walk`. A path the config already fills is an error. From base
    /// v0_7 (fcos 1.7.0) a tree may give the new nodes an owner (`user`, `group`) and modes
    /// (`file_mode`, `dir_mode`); with any of `user`, `group` or `dir_mode`, each directory of the
    /// tree, its root included, becomes a directory too (mode 0755 unless `dir_mode`).
    mutating func processTrees(into config: inout ConfigNode) {
        let trees = source["storage"]?["trees"]?.items ?? []
        guard !trees.isEmpty else { return }
        var storage = config["storage"] ?? .object()
        var files = storage["files"]?.items ?? []
        var links = storage["links"]?.items ?? []
        var directories = storage["directories"]?.items ?? []
        // butane's node tracker: the last file or link of each path, and every path taken.
        var fileIndex: [String: Int] = [:], linkIndex: [String: Int] = [:]
        for (index, file) in files.enumerated() { if let path = file["path"]?.string { fileIndex[path] = index } }
        for (index, link) in links.enumerated() { if let path = link["path"]?.string { linkIndex[path] = index } }
        var taken = Set((files + links + directories).compactMap { $0["path"]?.string })
        func exists(_ path: String) -> Bool { taken.contains(path) }
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
            // Owner and modes (base v0_7); an owner with neither id nor name is no owner.
            let user = tree["user"].flatMap { Self.isZero($0) && $0["id"] == nil && $0["name"] == nil ? nil : $0 }
            let group = tree["group"].flatMap { Self.isZero($0) && $0["id"] == nil && $0["name"] == nil ? nil : $0 }
            let fileMode = tree["file_mode"]?.int, dirMode = tree["dir_mode"]?.int
            func node(_ path: String) -> ConfigNode {
                var node = ConfigNode.object([ConfigEntry(key: "path", keyLocation: location, node: .string(path, at: location))], at: location)
                if let user { node["user"] = user }
                if let group { node["group"] = group }
                return node
            }
            walk(root, relative: "") { relative, kind in
                let target = Self.join(destination, relative)
                switch kind {
                case .directory:
                    guard dirMode != nil || user != nil || group != nil else { return }
                    if exists(target) {
                        diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                        return
                    }
                    var directory = node(target)
                    directory["mode"] = .int(dirMode ?? 0o755, at: location)
                    directories.append(directory)
                    taken.insert(target)
                case .file(let bytes, let executable):
                    var file: ConfigNode
                    let index = fileIndex[target]
                    if let index {
                        file = files[index]
                        if !(file["contents"]?["source"]?.string ?? "").isEmpty {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                    } else {
                        if exists(target) {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                        file = node(target)
                    }
                    var contents = file["contents"] ?? .object(at: location)
                    let (url, compression) = Self.dataURL(bytes, compression: contents["compression"]?.string)
                    contents["source"] = .string(url, at: location)
                    if let compression { contents["compression"] = .string(compression, at: location) }
                    file["contents"] = contents
                    if file["mode"] == nil { file["mode"] = .int(fileMode ?? (executable ? 0o755 : 0o644), at: location) }
                    if let index {
                        files[index] = file
                    } else {
                        fileIndex[target] = files.count
                        taken.insert(target)
                        files.append(file)
                    }
                case .link(let destinationOfLink):
                    let index = linkIndex[target]
                    var link: ConfigNode
                    if let index {
                        link = links[index]
                        if !(link["target"]?.string ?? "").isEmpty {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                    } else {
                        if exists(target) {
                            diagnostics.error("matching filesystem node has existing contents or different type", at: location)
                            return
                        }
                        link = node(target)
                    }
                    link["target"] = .string(destinationOfLink, at: location)
                    if let index {
                        links[index] = link
                    } else {
                        linkIndex[target] = links.count
                        taken.insert(target)
                        links.append(link)
                    }
                case .other:
                    diagnostics.error("trees may only contain files, directories, and symlinks", at: location)
                case .unreadable(let path, let code):
                    diagnostics.error("cannot read '\(path)' in tree '\(local)': \(SystemError.text(code))", at: location)
                }
            }
        }
        if !files.isEmpty { storage["files"] = .list(files) }
        if !links.isEmpty { storage["links"] = .list(links) }
        if !directories.isEmpty { storage["directories"] = .list(directories) }
        config["storage"] = storage
    }

    enum TreeEntry {
        case directory
        case file([UInt8], executable: Bool)
        case link(String)
        case other
        /// A path that could not be read, and the error number.
        case unreadable(String, Int32)
    }

    /// Walks `directory` in byte order of names, not following symlinks, each directory (the
    /// root first) before what it holds.
    private func walk(_ directory: String, relative: String, _ body: (String, TreeEntry) -> Void) {
        let manager = FileManager.default
        body(relative, .directory)
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
