/// The rules of `serve.kernel_args` and of a host's `kernel_args`: words that every iPXE script
/// (or that host's) appends to the live kernel's command line, after igncc's own arguments. Each
/// is written as it is, so each must reach the kernel as it is:
///
/// - iPXE reads the `kernel` line as words split at every space (it knows no quotes), ends the
///   command at a word `||`, `&&` or `;`, starts a comment at a word beginning with `#`, replaces
///   `${name}` with one of its settings, and joins a line ending in `\` with the next (its
///   core/exec.c, core/settings.c, image/script.c);
/// - what igncc writes itself comes from site.yaml's keys: a second value would contradict them;
/// - x86's kernel keeps 2047 bytes of command line (COMMAND_LINE_SIZE 2048 with its NUL); iPXE
///   copies at most that into the kernel's header, and the rest is dropped without a word.
enum LiveKernelArguments {
    static let maxCommandLineBytes = 2047

    /// The arguments igncc writes into an iPXE script, by name (what precedes `=`), and where
    /// each comes from in site.yaml; the rest of `coreos.inst.*` is refused too (`ownership(of:)`).
    static let written: [(name: String, source: String)] = [
        ("initrd", "'serve.images' (the initramfs, which iPXE loads as 'main')"),
        ("coreos.live.rootfs_url", "'serve.images.fcos.rootfs'"),
        ("coreos.inst.install_dev", "the host's 'install_disk'"),
        ("coreos.inst.ignition_url", "'serve.base_url' (the host's Ignition config)"),
        ("ignition.config.url", "'serve.base_url' (the host's Ignition config)"),
        ("ignition.platform.id", "the hosts being bare metal ('metal')"),
        ("ignition.firstboot", "'os: flatcar' (Ignition's first boot, as 'flatcar.first_boot')"),
        ("flatcar.first_boot", "'os: flatcar' (Ignition's first boot)"),
        ("ip", "the NICs' 'address' (dracut's network of a static host)"),
        ("ifname", "the NICs' 'name' and 'mac' (dracut's network of a static host)"),
        ("nameserver", "the network's 'dns' (dracut's network of a static host)"),
    ]

    /// Why an argument named `name` (what precedes `=`) is igncc's to write, or nil.
    static func ownership(of name: String) -> String? {
        if let entry = written.first(where: { $0.name == name }) {
            return "sets '\(name)', which igncc writes itself from \(entry.source)"
        }
        if name.hasPrefix("coreos.inst.") {
            // Any other coreos-installer option would make the PXE install differ from
            // install/<host>.sh's, which installs the same host the same way.
            return "is an option of the install igncc describes with 'install_disk' and 'serve.base_url': the PXE "
                + "install and install/<host>.sh install a host the same way"
        }
        return nil
    }

    /// Why `argument` cannot be written as one word of the kernel line, or nil.
    static func problem(in argument: String) -> String? {
        if argument.isEmpty { return "is empty" }
        if argument.contains(" ") { return "contains a space: iPXE splits the kernel line at spaces; give each argument its own item" }
        if let bad = argument.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            return "contains a control character (U+\(String(repeating: "0", count: 4 - hex.count) + hex))"
        }
        if let bad = argument.unicodeScalars.first(where: { !$0.isASCII }) {
            return "contains '\(bad)', which is not ASCII: the kernel reads its command line byte by byte, where a byte of a "
                + "UTF-8 character may read as a space"
        }
        if argument.contains(where: { $0 == "\"" || $0 == "'" }) {
            return "contains a quote: iPXE passes quotes on as they are and splits the line at every space, so no argument can hold a quoted space"
        }
        if ["||", "&&", ";"].contains(argument) { return "is a word that ends iPXE's 'kernel' command" }
        if argument.hasPrefix("#") { return "starts with '#', which makes iPXE ignore the rest of the line" }
        if argument.contains("${") { return "contains '${', which iPXE replaces with one of its settings" }
        if argument.hasSuffix("\\") { return "ends with '\\', which makes iPXE join the next line of the script to it" }
        return nil
    }

    /// One list (`field` is how messages name it): each argument's problems, each argument igncc
    /// writes itself, and each repeated argument, at the argument.
    static func validate(_ arguments: [Located<String>], field: String, into diagnostics: inout Diagnostics) {
        var seen: [String: SourceLocation] = [:]
        for argument in arguments {
            let text = argument.value
            if let problem = problem(in: text) {
                diagnostics.error("kernel argument '\(shown(text))' in '\(field)' \(problem)", at: argument.location)
                continue
            }
            let name = String(text.prefix { $0 != "=" })
            if let reason = ownership(of: name) {
                diagnostics.error("kernel argument '\(text)' in '\(field)' \(reason)", at: argument.location)
                continue
            }
            if let first = seen[text] {
                diagnostics.error("kernel argument '\(text)' is listed twice in '\(field)'", at: argument.location,
                                  notes: [Diagnostic.Note("first listed here", at: first)])
                continue
            }
            seen[text] = argument.location
        }
    }

    /// `text` with its control characters escaped, for a message.
    private static func shown(_ text: String) -> String {
        text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
    }

    /// Every list of the site, then the command lines they make, which must fit the kernel's.
    static func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        let siteArguments = site.serve?.kernelArgs ?? []
        validate(siteArguments, field: "serve.kernel_args", into: &diagnostics)
        for host in site.hosts {
            if let own = host.kernelArgs { validate(own, field: "hosts.\(host.name.value).kernel_args", into: &diagnostics) }
        }
        guard let baseURL = InstallPlan.baseURL(of: site) else {
            // Without a base URL no iPXE script is written: the arguments would go nowhere.
            let lists = [("serve.kernel_args", siteArguments)] + site.hosts.map { ("hosts.\($0.name.value).kernel_args", $0.kernelArgs ?? []) }
            for (field, arguments) in lists {
                guard let first = arguments.first else { continue }
                diagnostics.error("'\(field)' goes into the iPXE scripts, which igncc writes only with 'serve.base_url'",
                                  at: first.location)
            }
            return
        }
        checkLength(site, baseURL: baseURL, into: &diagnostics)
    }

    /// Hosts whose live command line is longer than the kernel keeps: each at its own
    /// `kernel_args` (or its name when it has none), and the hosts that use `serve.kernel_args` in
    /// one error there.
    private static func checkLength(_ site: Site, baseURL: String, into diagnostics: inout Diagnostics) {
        var bySiteList: [(host: String, bytes: Int)] = []
        for host in site.hosts {
            let plan = InstallPlan.HostPlan(name: host.name.value, os: host.os.value, installDisk: host.installDisk.value,
                                            macs: [], ignitionPath: InstallPlan.ignitionPath(of: host), served: nil)
            let served = InstallPlan.served(host, in: site, baseURL: baseURL, sha512: "")
            let bytes = IPXEScript.boot(for: plan, served: served).kernelArguments.joined(separator: " ").utf8.count
            guard bytes > maxCommandLineBytes else { continue }
            if host.kernelArgs == nil, !(site.serve?.kernelArgs ?? []).isEmpty {
                bySiteList.append((host.name.value, bytes))
                continue
            }
            diagnostics.error("the live kernel command line of host '\(host.name.value)' is \(bytes) bytes; the kernel keeps "
                              + "\(maxCommandLineBytes) and drops the rest without a word",
                              at: host.kernelArgs?.first?.location ?? host.location)
        }
        if let longest = bySiteList.max(by: { $0.bytes < $1.bytes }), let first = site.serve?.kernelArgs.first {
            let others = bySiteList.count > 1 ? " (and \(bySiteList.count - 1) other hosts)" : ""
            diagnostics.error("with 'serve.kernel_args', the live kernel command line of host '\(longest.host)'\(others) is "
                              + "\(longest.bytes) bytes; the kernel keeps \(maxCommandLineBytes) and drops the rest without a word",
                              at: first.location)
        }
    }
}
