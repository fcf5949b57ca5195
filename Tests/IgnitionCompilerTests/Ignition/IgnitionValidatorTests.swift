import Foundation
import Testing
@testable import IgnitionCompiler

/// Ignition's semantic rules, one JSON config per case, asserting each message with its
/// line:column. With IGNCC_REF_VALIDATE set to an ignition-validate binary, every input is also
/// run through it, and it must agree on whether the config has errors.
@Suite struct IgnitionValidatorTests {
    // MARK: Ignition section

    @Test func versionMustBeTheSpecVersion() {
        #expect(check(doc("", "3.4.0"), .v3_3, reference: false) == ["1:26: error: unsupported config version"])
        #expect(check(doc("", "3.4"), .v3_4, reference: false) == ["1:26: error: invalid config version (couldn't parse)"])
        #expect(check(doc("", "3.4.0-experimental"), .v3_4, reference: false) == ["1:26: error: unsupported config version"])
        #expect(check(doc("", "3.3.0"), .v3_3) == [])
        #expect(check(doc("", "3.6.0"), .v3_6) == [])
        #expect(check(doc("", "3.7.0-experimental"), .v3_7) == [])
        #expect(check(doc("", "3.7.0"), .v3_7, reference: false) == ["1:26: error: unsupported config version"])
        #expect(check(doc("", "3.7.0-experimental+1"), .v3_7, reference: false) == ["1:26: error: unsupported config version"])
    }

    /// `igncc validate` picks the spec from the config: every spec ignition-validate v2.26.0 takes.
    @Test(arguments: ["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0-experimental"])
    func everySupportedVersionValidates(version: String) {
        let diagnostics = IgnitionValidation.validate(bytes: Array(#"{"ignition": {"version": "\#(version)"}}"#.utf8), file: "v.ign")
        #expect(diagnostics.all.isEmpty, "\(diagnostics.all.map(\.message))")
    }

    @Test(arguments: ["3.6.0-experimental", "3.5.0-experimental", "3.8.0", "2.3.0", "3.7.0"])
    func otherVersionsAreRefused(version: String) {
        let diagnostics = IgnitionValidation.validate(bytes: Array(#"{"ignition": {"version": "\#(version)"}}"#.utf8), file: "v.ign")
        #expect(diagnostics.all.map(\.message) == ["unsupported config version"])
        #expect(diagnostics.all.first?.notes.map(\.message) == ["igncc validates specs 3.0.0 to 3.6.0 and 3.7.0-experimental"])
    }

    @Test func mergeNeedsASource() {
        #expect(check(#"{"ignition": {"version": "3.4.0", "config": {"merge": [{}, {"source": "ftp://x"}]}}}"#) == [
            "1:56: error: source is required",
            "1:60: error: invalid url scheme",
            "1:71: error: invalid url scheme",
        ])
        #expect(check(#"{"ignition": {"version": "3.0.0", "config": {"merge": [{"source": null}]}}}"#, .v3_0) == [])
        #expect(check(#"{"ignition": {"version": "3.4.0", "config": {"merge": [{"source": "https://x/a.ign"}], "replace": {"source": "http://y"}}}}"#) == [])
    }

    @Test func duplicateMergeSources() {
        #expect(check(#"{"ignition": {"version": "3.4.0", "config": {"merge": [{"source": "http://a"}, {"source": "http://a"}]}}}"#) == [
            "1:67: note: first defined here",
            "1:91: error: duplicate entry defined",
        ])
        #expect(check(#"{"ignition": {"version": "3.4.0", "config": {"merge": [{"source": "http://a"}, {"source": "http://b"}]}}}"#) == [])
    }

    @Test func certificateAuthoritiesNeedASource() {
        #expect(check(#"{"ignition": {"version": "3.4.0", "security": {"tls": {"certificateAuthorities": [{}]}}}}"#) == ["1:83: error: source is required"])
        #expect(check(#"{"ignition": {"version": "3.0.0", "security": {"tls": {"certificateAuthorities": [{"source": ""}]}}}}"#, .v3_0) == ["1:94: error: invalid url scheme"])
        #expect(check(#"{"ignition": {"version": "3.4.0", "security": {"tls": {"certificateAuthorities": [{"source": "data:,ca"}]}}}}"#) == [])
    }

    @Test func proxies() {
        #expect(check(#"{"ignition": {"version": "3.4.0", "proxy": {"httpProxy": "socks5://p", "httpsProxy": "http://p", "noProxy": ["a", "a"]}}}"#) == [
            "1:58: error: proxies must be http(s)",
            "1:86: warning: insecure plaintext HTTP proxy specified for HTTPS resources",
            "1:110: note: first defined here",
            "1:115: error: duplicate entry defined",
        ])
        #expect(check(#"{"ignition": {"version": "3.4.0", "proxy": {"httpProxy": "http://[::1"}}}"#) == ["1:58: error: unable to parse url"])
        #expect(check(#"{"ignition": {"version": "3.4.0", "proxy": {"httpProxy": "http://p:3128", "httpsProxy": "https://[fe80::1%25eth0]:8"}}}"#) == [])
    }

    // MARK: Files, directories, links

    @Test(arguments: [
        ("", "path not specified"),
        ("etc/motd", "path not absolute"),
        ("/etc//motd", "path is not fully simplified"),
        ("/etc/motd/", "path is not fully simplified"),
        ("/etc/../motd", "path is not fully simplified"),
    ])
    func pathsMustBeAbsoluteAndClean(path: String, message: String) {
        #expect(check(doc(#""storage": {"files": [{"path": "\#(path)"}]}"#)) == ["2:32: error: \(message)"])
    }

    @Test func cleanPathsPass() {
        #expect(check(doc(#""storage": {"files": [{"path": "/etc/motd"}], "directories": [{"path": "/"}]}"#)) == [])
    }

    @Test func duplicateNodesAcrossFilesDirectoriesAndLinks() {
        #expect(check(doc(#""storage": {"links": [{"path": "/a", "target": "/b"}], "files": [{"path": "/a"}], "directories": [{"path": "/a"}]}"#)) == [
            "2:32: error: duplicate entry defined",
            "2:75: error: duplicate entry defined",
            "2:108: note: first defined here",
            "2:108: note: first defined here",
        ])
        #expect(check(doc(#""storage": {"links": [{"path": "/a", "target": "/b"}], "files": [{"path": "/b"}], "directories": [{"path": "/c"}]}"#)) == [])
    }

    @Test func nodesUnderALink() {
        #expect(check(doc(#""storage": {"links": [{"path": "/a", "target": "/t"}, {"path": "/a/l", "target": "/t"}], "files": [{"path": "/a/f"}], "directories": [{"path": "/a/d"}, {"path": "/ab"}]}"#)) == [
            "2:55: error: link path includes link in config",
            "2:100: error: file path includes link in config",
            "2:135: error: directory path includes link in config",
        ])
        #expect(check(doc(#""storage": {"links": [{"path": "/a", "target": "/t"}], "files": [{"path": "/ab/f"}], "directories": [{"path": "/t/d"}]}"#)) == [])
    }

    @Test func linkTargetIsRequiredFrom3_3() {
        #expect(check(doc(#""storage": {"links": [{"path": "/a"}]}"#)) == ["2:23: error: link target is required"])
        #expect(check(doc(#""storage": {"links": [{"path": "/a"}]}"#, "3.2.0"), .v3_2) == [])
    }

    @Test func hardLinks() {
        #expect(check(doc(#""storage": {"directories": [{"path": "/d"}], "links": [{"path": "/l", "target": "/d", "hard": true, "user": {"id": 0}}]}"#)) == [
            "2:56: error: hard link target is a directory",
            "2:116: warning: user/group ignored for hard link",
        ])
        #expect(check(doc(#""storage": {"directories": [{"path": "/d"}], "links": [{"path": "/l", "target": "/d", "user": {"id": 0}}]}"#)) == [])
    }

    @Test func fileModes() {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "mode": 4096}], "directories": [{"path": "/b", "mode": 1517}]}"#)) == [
            "2:46: error: illegal file mode",
            "2:93: warning: setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0",
        ])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "mode": 420}], "directories": [{"path": "/b", "mode": 493}]}"#)) == [])
    }

    /// 3.6.0 sets setuid, setgid and sticky bits: no warning from then on.
    @Test func specialModeBitsFrom3_6() {
        let body = #""storage": {"files": [{"path": "/a", "mode": 2541}], "directories": [{"path": "/b", "mode": 1517}]}"#
        #expect(check(doc(body, "3.6.0"), .v3_6) == [])
        #expect(check(doc(body, "3.7.0-experimental"), .v3_7) == [])
        #expect(check(doc(body, "3.5.0"), .v3_5).count == 2)
    }

    @Test func overwriteNeedsASource() {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "overwrite": true}]}"#)) == ["2:51: error: overwrite must be false if source is unspecified"])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "overwrite": true, "contents": {"source": ""}}]}"#)) == [])
    }

    @Test func ownerByIdOrName() {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "user": {"id": 1, "name": "core"}}]}"#)) == ["2:46: error: cannot set both id and name"])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "user": {"id": 1, "name": ""}, "group": {"name": "wheel"}}]}"#)) == [])
    }

    @Test func pathsOfUnits() {
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "contents": "[Unit]", "dropins": [{"name": "b.conf", "contents": "[Unit]"}]}]},"#
            + "\n" + #""storage": {"files": [{"path": "/etc/systemd/system/a.service"}, {"path": "/etc/systemd/system/a.service.d/b.conf"}]}"#)) == [
            "3:32: error: path conflicts with systemd unit or dropin",
            "3:75: error: path conflicts with systemd unit or dropin",
        ])
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "enabled": false}]}, "storage": {"files": [{"path": "/etc/systemd/system/a.service"}]}"#)) == [])
    }

    // MARK: Resources

    @Test func compressionAndVerification() {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"compression": "xz", "verification": {"hash": "sha512-00"}}}]}"#)) == [
            "2:66: error: invalid compression method",
            "2:97: error: source must be specified if verification is specified",
            "2:97: error: incorrect size for hash sum",
        ])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"compression": "gzip", "source": "data:,x", "verification": {"hash": "sha256-\#(String(repeating: "0", count: 64))"}}}]}"#)) == [])
    }

    @Test(arguments: [
        (IgnitionSpecVersion.v3_4, "md5-00", "unrecognized hash function"),
        (.v3_4, "sha512", "malformed hash specifier"),
        (.v3_0, "sha256-\(String(repeating: "0", count: 64))", "unrecognized hash function"),
    ])
    func hashes(version: IgnitionSpecVersion, hash: String, message: String) {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "data:,x", "verification": {"hash": "\#(hash)"}}}]}"#,
                          version.string), version) == ["2:97: error: \(message)"])
    }

    @Test(arguments: [
        (IgnitionSpecVersion.v3_1, "gs://bucket/key", "invalid url scheme"),
        (.v3_3, "arn:aws:s3:::bucket/key", "invalid url scheme"),
        (.v3_4, "arn:aws:sns:::bucket/key", "invalid S3 ARN format"),
        (.v3_4, "arn:aws:s3:::bucket", "invalid S3 ARN format"),
        (.v3_4, "arn:aws:s3:::accesspoint/x", "invalid S3 ARN format"),
        (.v3_4, "s3://bucket/key?versionId=", "invalid S3 object VersionId"),
        (.v3_4, "ftp://host/x", "invalid url scheme"),
        (.v3_4, "relative/path", "invalid url scheme"),
        (.v3_4, "http://host:port/x", "unable to parse url"),
        (.v3_4, "http://a b/x", "unable to parse url"),
        (.v3_4, "http://h/%zz", "unable to parse url"),
        (.v3_4, ":x", "unable to parse url"),
        (.v3_4, "a:b/c", "invalid url scheme"),
        (.v3_4, "data:,abc%", "rfc2396: unexpected end of unescape sequence"),
        (.v3_4, "data:,abc%zz", "rfc2396: invalid char 0x25 in unescape sequence"),
        (.v3_4, "data:;base64,QQ", "illegal base64 data at input byte 0"),
        (.v3_4, "data:;base64,QQ=x", "illegal base64 data at input byte 2"),
        (.v3_4, "data:;base64,QUJD=", "illegal base64 data at input byte 4"),
        (.v3_4, "data:text,x", "invalid character for media type"),
        (.v3_4, "data:foo/bar,x", "invalid media type"),
        (.v3_4, "data:text/plain;charset,x", "expected base64, got charset"),
        (.v3_4, "data:text/plain;a=\\\"\\\\q\\\",x", "invalid syntax"),
        (.v3_4, "data:,a b", "invalid data character"),
        (.v3_4, "data:,a#b", "invalid data character"),
        (.v3_4, "data", "invalid url scheme"),
        (.v3_4, "DATA:,x", "missing data prefix"),
    ])
    func invalidSources(version: IgnitionSpecVersion, source: String, message: String) {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "\#(source)"}}]}"#, version.string), version) == [
            "2:61: error: \(message)",
        ])
    }

    @Test(arguments: [
        (IgnitionSpecVersion.v3_2, "gs://bucket/key"),
        (.v3_4, "arn:aws:s3:::bucket/key?versionId=1"),
        (.v3_4, "arn:aws:s3:us-east-1:1:accesspoint/ap/object/key"),
        (.v3_0, "s3://bucket/key?versionId=3"),
        (.v3_4, "tftp://host/x"),
        (.v3_4, "https://user:pass@[::ffff:1.2.3.4]:443/x?y#z"),
        (.v3_4, "data:text/plain;charset=utf-8;base64,SGVsbG8="),
        (.v3_4, "data:text/plain;a=\\\"b c\\\",x%20y"),
        (.v3_4, "data:x-foo/bar,ok"),
        (.v3_4, "data:,"),
    ])
    func validSources(version: IgnitionSpecVersion, source: String) {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "\#(source)"}}]}"#, version.string), version) == [])
    }

    @Test func httpHeaders() {
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "https://x", "httpHeaders": [{"name": ""}, {"name": "A", "value": ""}, {"name": "A", "value": "v"}]}}]}"#)) == [
            "2:99: error: HTTP header name can't be empty",
            "2:113: note: first defined here",
            "2:127: error: unable to parse HTTP header",
            "2:141: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "data:,x", "httpHeaders": [{"name": "A", "value": "v"}]}}, {"path": "/b", "append": [{"httpHeaders": [{"name": "A", "value": "v"}]}]}]}"#)) == [
            "2:87: error: cannot use HTTP headers with this source scheme",
            "2:162: error: unable to parse url",
        ])
        #expect(check(doc(#""storage": {"files": [{"path": "/a", "contents": {"source": "https://x", "httpHeaders": [{"name": "A", "value": "v"}]}}]}"#)) == [])
    }

    // MARK: Disks and partitions

    @Test func disksNeedAnAbsoluteDevice() {
        #expect(check(doc(#""storage": {"disks": [{"partitions": [{"number": 1}]}, {"device": "sdb"}, {"device": "sdb"}]}"#)) == [
            "2:23: error: disk device is required",
            "2:67: error: path not absolute",
            "2:67: note: first defined here",
            "2:86: error: path not absolute",
            "2:86: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "wipeTable": true}]}"#)) == [])
    }

    @Test func partitionNumbersAndLabels() {
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1}, {"number": 1}, {"label": "x"}, {"label": "x"}]}]}"#)) == [
            "2:72: note: first defined here",
            "2:76: error: partition numbers collide",
            "2:87: error: duplicate entry defined",
            "2:101: note: first defined here",
            "2:107: error: cannot use the same partition label twice",
            "2:117: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1, "label": "x"}, {"number": 2, "label": "y"}]}]}"#)) == [])
    }

    @Test func partitionRules() {
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{}, {"number": 2, "label": "a:b", "guid": "nope"}, {"number": 3, "label": "\#(String(repeating: "l", count: 37))", "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE4"}]}]}"#)) == [
            "2:61: error: a partition number >= 1 or a label must be specified",
            "2:88: error: partition label will be truncated to text before the colon",
            "2:103: error: doesn't match the form \"01234567-89AB-CDEF-EDCB-A98765432101\"",
            "2:135: error: partition labels may not exceed 36 characters",
        ])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"label": "root", "guid": "", "typeGuid": "0fc63daf-8483-4772-8e79-3d69d8477de4"}]}]}"#)) == [])
    }

    @Test func partitionsThatShouldNotExist() {
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1, "shouldExist": false, "sizeMiB": 5}, {"label": "z"}]}]}"#)) == [
            "2:60: error: shouldExist is false for a partition and other partition(s) has start or size 0",
            "2:61: error: shouldExist specified false with other options also specified",
        ])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1, "shouldExist": false}, {"number": 2}]}]}"#)) == [])
    }

    @Test func partitionsOverlap() {
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1, "startMiB": 10, "sizeMiB": 10}, {"number": 2, "startMiB": 19, "sizeMiB": 0}]}]}"#)) == ["2:107: error: partitions overlap"])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/sda", "partitions": [{"number": 1, "startMiB": 10, "sizeMiB": 10}, {"number": 2, "startMiB": 20, "sizeMiB": 0}]}]}"#)) == [])
    }

    // MARK: Filesystems

    @Test func filesystemFormats() {
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a", "format": "ntfs"}, {"device": "/dev/b", "label": "x"}, {"device": "", "path": "/var"}]}"#)) == [
            "2:60: error: invalid filesystem format",
            "2:69: error: format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified",
            "2:99: error: filesystem must specify format if label is specified",
            "2:105: error: format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified",
            "2:116: error: path not specified",
        ])
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a", "format": "vfat", "label": "EFI", "path": "/boot/efi", "options": ["-F", "32"]}]}"#)) == [])
    }

    @Test func formatNoneFrom3_3() {
        let body = #""storage": {"filesystems": [{"device": "/dev/a", "format": "none"}]}"#
        #expect(check(doc(body, "3.2.0"), .v3_2) == ["2:60: error: invalid filesystem format"])
        #expect(check(doc(body, "3.3.0"), .v3_3) == [])
    }

    @Test(arguments: [("ext4", 16), ("btrfs", 256), ("xfs", 12), ("swap", 15), ("vfat", 11)])
    func filesystemLabelLengths(format: String, limit: Int) {
        let long = String(repeating: "x", count: limit + 1), fits = String(repeating: "x", count: limit)
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a", "format": "\#(format)", "label": "\#(long)"}]}"#)) == [
            "2:\(73 + format.count): error: filesystem labels cannot be longer than \(limit) characters when using \(format)",
        ])
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a", "format": "\#(format)", "label": "\#(fits)", "path": "/x", "mountOptions": ["ro", "ro"]}]}"#)) == [])
    }

    @Test func filesystemsOnDisks() {
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/a", "partitions": [{"number": 1}]}, {"device": "/dev/b", "wipeTable": true}], "filesystems": [{"device": "/dev/a", "format": "xfs"}, {"device": "/dev/b", "format": "xfs"}]}"#)) == [
            "2:145: warning: filesystem overwrites partitioned device",
            "2:184: warning: device matches disk with wipeTable enabled; filesystem will be wiped",
        ])
        #expect(check(doc(#""storage": {"disks": [{"device": "/dev/b", "wipeTable": true}], "filesystems": [{"device": "/dev/b", "format": "xfs", "wipeFilesystem": true}]}"#)) == [])
    }

    @Test func duplicateFilesystems() {
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a"}, {"device": "/dev/a"}]}"#)) == [
            "2:40: note: first defined here",
            "2:62: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"filesystems": [{"device": "/dev/a", "format": "xfs"}, {"device": "/dev/b", "format": "none"}]}"#)) == [])
    }

    // MARK: RAID

    @Test func raidLevels() {
        #expect(check(doc(#""storage": {"raid": [{"name": "md0", "devices": ["/dev/a"]}, {"name": "md1", "level": "raid7", "devices": ["/dev/a"]}, {"name": "md2", "level": "raid0", "spares": 1, "devices": ["/dev/a"]}]}"#)) == [
            "2:22: error: raid level is required",
            "2:87: error: unrecognized raid level",
            "2:145: error: spares unsupported for linear and raid0 arrays",
        ])
        #expect(check(doc(#""storage": {"raid": [{"name": "md0", "devices": ["/dev/a"]}]}"#, "3.2.0"), .v3_2) == ["2:22: error: unrecognized raid level"])
        #expect(check(doc(#""storage": {"raid": [{"name": "md0", "level": "raid1", "spares": 1, "devices": ["/dev/a", "/dev/b"], "options": ["x", "x"]}]}"#)) == [])
    }

    @Test func raidDevices() {
        #expect(check(doc(#""storage": {"raid": [{"name": "md0", "level": "1"}, {"name": "md0", "level": "1", "devices": ["a", "/dev/b", "/dev/b"]}]}"#)) == [
            "2:22: error: raid devices required",
            "2:31: note: first defined here",
            "2:62: error: duplicate entry defined",
            "2:95: error: path not absolute",
            "2:100: note: first defined here",
            "2:110: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"raid": [{"name": "md0", "level": "mirror", "devices": ["/dev/a", "/dev/b"]}, {"name": "md1", "level": "stripe", "devices": ["/dev/a"]}]}"#)) == [])
    }

    // MARK: LUKS

    @Test func luksRules() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a/b", "label": "\#(String(repeating: "l", count: 48))"}, {"name": "c", "device": "dev"}]}"#)) == [
            "2:22: error: disk device is required",
            "2:31: error: device names cannot contain slashes",
            "2:47: error: luks device labels cannot be longer than 47 characters",
            "2:124: error: path not absolute",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "root", "device": "/dev/a", "label": "luks-root", "options": ["-q", "-q"], "keyFile": {"source": "data:,k"}}]}"#)) == [])
    }

    @Test func luksKeyFiles() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "keyFile": {"source": "ftp://k"}}]}"#)) == [
            "2:67: error: invalid key-file source",
            "2:78: error: invalid url scheme",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "keyFile": {"source": "https://k", "httpHeaders": [{"name": "A", "value": "v"}]}}]}"#)) == [])
    }

    @Test func clevis() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"tpm2": true, "custom": {"pin": "x", "needsNetwork": true}}}, {"name": "b", "device": "/dev/b", "clevis": {"custom": {"needsNetwork": true}}}]}"#)) == [
            "2:66: error: cannot use custom clevis config with tpm2, tang, or threshold",
            "2:91: error: missing required custom clevis config",
            "2:99: error: unsupported clevis pin",
            "2:184: error: missing required custom clevis pin",
            "2:184: error: missing required custom clevis config",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"custom": {"pin": "sss", "config": "{}"}, "threshold": 0}}]}"#)) == [])
    }

    /// 3.6.0 takes any custom pin name (Ignition 2.25 stopped checking it); pin and config stay required.
    @Test func customClevisPinsFrom3_6() {
        let body = #""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"custom": {"pin": "yubikey", "config": "{}"}}}]}"#
        #expect(check(doc(body, "3.6.0"), .v3_6) == [])
        #expect(check(doc(body, "3.5.0"), .v3_5) == ["2:85: error: unsupported clevis pin"])
        let missing = #""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"custom": {"needsNetwork": true}}}]}"#
        #expect(check(doc(missing, "3.6.0"), .v3_6) == [
            "2:77: error: missing required custom clevis pin",
            "2:77: error: missing required custom clevis config",
        ])
    }

    @Test func clevis3_2HasAPointerCustom() {
        let body = #""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"tpm2": true, "custom": {}}}]}"#
        #expect(check(doc(body, "3.2.0"), .v3_2) == ["2:66: error: cannot use custom clevis config with tpm2, tang, or threshold"])
        #expect(check(doc(body, "3.3.0"), .v3_3) == [])
    }

    @Test func tang() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"tang": [{"url": "ftp://t"}, {"url": "http://t", "thumbprint": "x", "advertisement": "{"}, {"url": "http://t", "thumbprint": "y"}]}}]}"#)) == [
            "2:76: error: thumbprint is required",
            "2:84: error: invalid url scheme",
            "2:104: note: first defined here",
            "2:152: error: advertisement is not valid JSON",
            "2:166: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "clevis": {"tang": [{"url": "https://t", "thumbprint": "x", "advertisement": "{\"payload\": []}"}]}}]}"#)) == [])
    }

    @Test func cex() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "cex": {"enabled": true}, "clevis": {"tpm2": true}, "keyFile": {"source": "data:,k"}}]}"#, "3.5.0"), .v3_5) == [
            "2:63: error: cannot use cex with clevis",
            "2:63: error: cannot use key file with cex",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "cex": {"enabled": true}, "clevis": {"tpm2": false}}]}"#, "3.5.0"), .v3_5) == [])
    }

    @Test func duplicateLuksAndOpenOptions() {
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "openOptions": ["--x", "--x"]}, {"name": "a", "device": "/dev/b"}]}"#)) == [
            "2:31: note: first defined here",
            "2:72: note: first defined here",
            "2:79: error: duplicate entry defined",
            "2:97: error: duplicate entry defined",
        ])
        #expect(check(doc(#""storage": {"luks": [{"name": "a", "device": "/dev/a", "openOptions": ["--x", "--y"], "options": ["-q", "-q"]}, {"name": "b", "device": "/dev/a"}]}"#)) == [])
    }

    // MARK: Systemd

    @Test func unitAndDropinNames() {
        #expect(check(doc(#""systemd": {"units": [{"name": "a.servic", "dropins": [{"name": "x.cfg"}, {"name": "x.cfg"}]}, {"name": "a.servic"}]}"#)) == [
            "2:32: error: invalid systemd unit extension",
            "2:32: note: first defined here",
            "2:65: error: invalid systemd drop-in extension",
            "2:65: note: first defined here",
            "2:84: error: invalid systemd drop-in extension",
            "2:84: error: duplicate entry defined",
            "2:105: error: invalid systemd unit extension",
            "2:105: error: duplicate entry defined",
        ])
        #expect(check(doc(#""systemd": {"units": [{"name": "a@.service", "dropins": [{"name": "x.conf"}]}, {"name": "b.timer", "mask": true}]}"#)) == [])
    }

    @Test(arguments: [
        ("[Unit", "unable to find end of section"),
        ("[Unit] x", "found garbage after section name : \"x\""),
        ("[Unit]\\nDescription", "EOF"),
        ("[Unit]\\nDescription\\n=x", "unexpected newline encountered while parsing option name"),
        ("[Unit]\\nA=\(String(repeating: "x", count: 2100))", "line too long (max 2048 bytes)"),
        ("[Unit]\\n#\(String(repeating: "x", count: 3000))\\nA=b", "line too long (max 2048 bytes)"),
    ])
    func unitContentsThatGoSystemdRejects(contents: String, message: String) {
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "contents": "\#(contents)"}]}"#)) == [
            "2:57: error: invalid unit content: \(message)",
        ])
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "dropins": [{"name": "a.conf", "contents": "\#(contents)"}]}]}"#)) == [
            "2:88: error: invalid unit content: \(message)",
        ])
    }

    @Test(arguments: [
        "",
        "junk before a section\\n[Unit]\\n; comment \\\\\\n  continued\\nA = b \\\\\\n  c\\n\\n[Install]\\nWantedBy=multi-user.target",
        "[Unit]\\r\\nA=b\\r\\n",
        // Past 2048 bytes into go-systemd's 4096-byte buffer, a long line is no longer checked.
        "[Unit]\\n\(String(repeating: "A=\(String(repeating: "x", count: 98))\\n", count: 30))B=\(String(repeating: "y", count: 2500))",
        "[Service]\\nExecStart=/bin/true\\n\(String(repeating: "A=\(String(repeating: "y", count: 1000))\\n", count: 6))",
    ])
    func unitContentsThatGoSystemdReads(contents: String) {
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "contents": "\#(contents)"}]}"#)) == [])
    }

    @Test func enabledUnitsWithoutInstall() {
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "enabled": true, "contents": "[Unit]\n[Install]"}, {"name": "t@.service", "contents": "[Unit]\nA=b"}, {"name": "t@x.service", "enabled": true}]}"#)) == [
            "2:74: warning: unit \"a.service\" is enabled, but has no install section so enable does nothing",
            "2:147: warning: template unit \"t@.service\" for \"t@x.service\" doesn't have Install section",
        ])
        #expect(check(doc(#""systemd": {"units": [{"name": "a.service", "enabled": true, "contents": "[Install]\nWantedBy=x"}, {"name": "b.service", "enabled": true}, {"name": "t@.service", "contents": "[Install]\nA=b"}, {"name": "t@x.service", "enabled": true}]}"#)) == [])
    }

    // MARK: Passwd and kernel arguments

    @Test func duplicateUsersGroupsAndKeys() {
        #expect(check(doc(#""passwd": {"users": [{"name": "core", "groups": ["wheel", "wheel"], "sshAuthorizedKeys": ["k", "k"]}, {"name": "core"}], "groups": [{"name": "g"}, {"name": "g"}]}"#)) == [
            "2:31: note: first defined here",
            "2:50: note: first defined here",
            "2:59: error: duplicate entry defined",
            "2:91: note: first defined here",
            "2:96: error: duplicate entry defined",
            "2:112: error: duplicate entry defined",
            "2:142: note: first defined here",
            "2:157: error: duplicate entry defined",
        ])
        #expect(check(doc(#""passwd": {"users": [{"name": "core"}, {"name": "admin"}], "groups": [{"name": "core"}]}"#)) == [])
    }

    @Test func kernelArgumentsAppearOnce() {
        #expect(check(doc(#""kernelArguments": {"shouldExist": ["quiet"], "shouldNotExist": ["quiet"]}"#)) == [
            "2:37: note: first defined here",
            "2:66: error: duplicate entry defined",
        ])
        #expect(check(doc(#""kernelArguments": {"shouldExist": ["quiet"], "shouldNotExist": ["rhgb"]}"#, "3.3.0"), .v3_3) == [])
    }

    // MARK: Trees without locations

    @Test func unlocatedNodesUseTheNearestLocatedAncestor() {
        var config = read(doc(#""storage": {"files": []}"#), .v3_4)
        config.modifyObject("storage") { storage in
            storage.modifyList("files") { $0.append(.object([ConfigEntry(key: "path", keyLocation: nil, node: .string("rel"))])) }
        }
        let found = IgnitionValidator(version: .v3_4).validate(config).map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-"): \($0.message)" }
        #expect(found == ["2:22: path not absolute"])
    }
}

// MARK: - Helpers

/// A config of spec `version` with `body` as line 2.
private func doc(_ body: String, _ version: String = "3.4.0") -> String {
    "{\"ignition\": {\"version\": \"\(version)\"}" + (body.isEmpty ? "" : ",") + "\n" + body + "\n}"
}

private func read(_ text: String, _ version: IgnitionSpecVersion) -> ConfigNode {
    var diagnostics = Diagnostics()
    guard let root = JSONParser().parse(Array(text.utf8), file: "x.ign", diagnostics: &diagnostics) else {
        Issue.record("invalid JSON in a test: \(diagnostics.all)")
        return .object()
    }
    var reader = ConfigReader(dialect: .ignition(version))
    let config = reader.read(root, as: "Config")
    #expect(reader.diagnostics.all.isEmpty, "the reader complained: \(reader.diagnostics.all.map(\.message))")
    return config
}

/// The validator's diagnostics and notes as "line:column: severity: message", notes among them
/// by position. With
/// `reference`, ignition-validate (IGNCC_REF_VALIDATE) must agree on whether there are errors.
private func check(_ text: String, _ version: IgnitionSpecVersion = .v3_4, reference: Bool = true,
                   sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
    var diagnostics = Diagnostics()
    diagnostics.append(contentsOf: IgnitionValidator(version: version).validate(read(text, version)))
    if reference { compareWithIgnitionValidate(text, hasErrors: diagnostics.hasErrors, sourceLocation: sourceLocation) }
    func render(_ location: IgnitionCompiler.SourceLocation?) -> String { location.map { "\($0.line):\($0.column)" } ?? "-" }
    return diagnostics.sorted.flatMap { diagnostic in
        ["\(render(diagnostic.location)): \(diagnostic.severity.rawValue): \(diagnostic.message)"]
            + diagnostic.notes.map { "\(render($0.location)): note: \($0.message)" }
    }.sorted(by: byPosition)
}

/// Orders rendered lines by line and column, keeping the order of equal positions.
private func byPosition(_ a: String, _ b: String) -> Bool {
    func key(_ line: String) -> [Int] { line.split(separator: ":").prefix(2).compactMap { Int($0) } }
    return key(a).lexicographicallyPrecedes(key(b))
}

private func compareWithIgnitionValidate(_ text: String, hasErrors: Bool, sourceLocation: Testing.SourceLocation) {
    guard let binary = ProcessInfo.processInfo.environment["IGNCC_REF_VALIDATE"], !binary.isEmpty else { return }
    do {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("config.ign", text)
        let result = try runProcess(binary, [directory.file("config.ign")])
        let referenceFails = result.status != 0
        let ours = IgnitionValidation.validate(bytes: Array(text.utf8), file: "config.ign").hasErrors
        #expect(ours == hasErrors, "the reader added errors", sourceLocation: sourceLocation)
        #expect(referenceFails == ours, "ignition-validate \(referenceFails ? "fails" : "passes"): \(result.stdout)\(result.stderr)",
                sourceLocation: sourceLocation)
    } catch {
        Issue.record("running \(binary): \(error)", sourceLocation: sourceLocation)
    }
}
