import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// The three places of site.yaml's Ansible variables (`kubernetes.all_vars`, `kubernetes.vars`, a
/// host's `vars`) and the groups `calico_rr` and `bastion`, as Debian's ansible-core reads
/// out/kubespray: who sees which variable, vault and unsafe values in the new places, the group
/// tree, and Kubespray's own expressions over that inventory.
@Suite struct KubesprayPlacesConsumerTests {
    /// A dedicated etcd host, a GPU worker with variables of its own (a vault secret, an unsafe
    /// string), a standalone route reflector, a Flatcar worker and the bastion.
    static func site(vault block: String, userVars: Bool = true) -> String {
        let hostVars = userVars ? """
            vars:
              node_taints: ["nvidia.com/gpu=true:NoSchedule"]
              gpu_token: !vault |
        \(AnsibleVarsTests.indent(block, 10))
              gpu_template: !unsafe "{{ not_templated }}"

        """ : ""
        let kubernetesVars = userVars ? """
          vars:
            cluster_id: 1.0.0.1
            kube_oidc_client_id: kubelacave
          all_vars:
            http_proxy: http://proxy.demo.example:3128
            nexus_admin_password: !vault |
        \(AnsibleVarsTests.indent(block, 8))
            motd: !unsafe "{% raw %}{{ x }}"

        """ : "  vars: {cluster_id: 1.0.0.1}\n"
        return """
        version: 1
        site: demo
        domain: demo.example
        defaults:
          os: fcos
          install_disk: /dev/sda
          ssh_authorized_keys:
            - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
        networks:
          lan: {cidr: 192.168.1.0/24, gateway: 192.168.1.1, dns: [192.168.1.10]}
        hosts:
          cp1:
            roles: [control-plane, etcd, worker]
            nics: [{mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}]
          etcd2:
            roles: [etcd]
            nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]
          etcd3:
            roles: [etcd]
            nics: [{mac: 52:54:00:00:01:23, network: lan, address: 192.168.1.23}]
          gpu1:
            roles: [worker]
            nics: [{mac: 52:54:00:00:01:24, network: lan, address: 192.168.1.24}]
        \(hostVars)  w2:
            os: flatcar
            roles: [kube_node]
            nics: [{mac: 52:54:00:00:01:25, network: lan, address: 192.168.1.25}]
          rr1:
            roles: [calico_rr]
            nics: [{mac: 52:54:00:00:01:26, network: lan, address: 192.168.1.26}]
          bastion:
            roles: [bastion]
            nics: [{mac: 52:54:00:00:01:27, network: lan, address: 192.168.1.27}]
        kubernetes:
          version: 1.36.4
        \(kubernetesVars)
        """
    }

    /// A vault block of `secret` under `dir/pass`, as ansible-vault prints it (without the name line).
    static func vaultBlock(_ secret: String, in dir: TemporaryDirectory) throws -> String {
        let vault = try AnsibleVarsTests.tool("ansible-vault")
        try dir.write("pass", "correct horse battery\n")
        let encrypted = try AnsibleVarsTests.ansible(vault, ["encrypt_string", "--vault-password-file", dir.file("pass"), secret,
                                                             "--name", "x"], home: dir)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        return encrypted.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }

    /// Builds `yaml`'s inventory into `dir/name` and returns its path.
    static func inventory(_ yaml: String, _ name: String, in dir: TemporaryDirectory) throws -> String {
        try OutputDirectory.write(buildAll(try compile(yaml), targets: [.kubespray]), to: dir.file(name))
        return dir.file("\(name)/kubespray/inventory.ini")
    }

    /// `ansible HOSTS -m debug -a ARG`: what each host printed, by host.
    static func debug(_ inventory: String, _ hosts: String, _ argument: String, in dir: TemporaryDirectory) throws -> [String: String] {
        let ansible = try AnsibleVarsTests.tool("ansible")
        let result = try AnsibleVarsTests.ansible(ansible, ["-i", inventory, hosts, "-m", "debug", "-a", argument,
                                                            "--vault-password-file", dir.file("pass")], home: dir)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        var printed: [String: String] = [:]
        for block in result.stdout.components(separatedBy: "\n}") {
            guard let bar = block.range(of: " | SUCCESS => {") else { continue }
            let host = block[..<bar.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            printed[host] = block[bar.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return printed
    }

    static func hostvars(_ inventory: String, in dir: TemporaryDirectory) throws -> [String: [String: Any]] {
        let tool = try AnsibleVarsTests.tool("ansible-inventory")
        let listed = try AnsibleVarsTests.ansible(tool, ["-i", inventory, "--list"], home: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let meta = try #require(try KubesprayConsumerTests.object(listed.stdout)["_meta"] as? [String: Any])
        return try #require(meta["hostvars"] as? [String: [String: Any]])
    }

    @Test func eachPlaceReachesItsHosts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let block = try Self.vaultBlock("S3cr3t {{ x }}", in: dir)
        let inventory = try Self.inventory(Self.site(vault: block), "out", in: dir)
        let vars = try Self.hostvars(inventory, in: dir)
        let hosts = ["cp1", "etcd2", "etcd3", "gpu1", "w2", "rr1", "bastion"]
        #expect(vars.keys.sorted() == hosts.sorted())
        for host in hosts {
            let v = try #require(vars[host])
            // all_vars: every host, the dedicated etcd hosts and the bastion too.
            #expect(v["http_proxy"] as? String == "http://proxy.demo.example:3128", "\(host)")
            // vars: k8s_cluster only (control planes, workers, route reflectors).
            let inCluster = ["cp1", "gpu1", "w2", "rr1"].contains(host)
            #expect((v["kube_oidc_client_id"] as? String == "kubelacave") == inCluster, "\(host)")
            #expect((v["kube_version"] as? String == "1.36.4") == inCluster, "\(host)")
            // A host's vars: that host only.
            #expect((v["node_taints"] as? [String] == ["nvidia.com/gpu=true:NoSchedule"]) == (host == "gpu1"), "\(host)")
        }

        // Vault and unsafe values read as in kubernetes.vars: decrypted, and never templated.
        let password = try Self.debug(inventory, "etcd2,bastion", "var=nexus_admin_password", in: dir)
        #expect(password["etcd2"] == #""nexus_admin_password": "S3cr3t {{ x }}""#, "\(password)")
        #expect(password["bastion"] == #""nexus_admin_password": "S3cr3t {{ x }}""#, "\(password)")
        #expect(try Self.debug(inventory, "etcd3", "var=motd", in: dir)["etcd3"] == #""motd": "{% raw %}{{ x }}""#)
        let token = try Self.debug(inventory, "gpu1,cp1", "var=gpu_token", in: dir)
        #expect(token["gpu1"] == #""gpu_token": "S3cr3t {{ x }}""#, "\(token)")
        #expect(token["cp1"] == #""gpu_token": "VARIABLE IS NOT DEFINED!""#, "\(token)")
        #expect(try Self.debug(inventory, "gpu1", "var=gpu_template", in: dir)["gpu1"] == #""gpu_template": "{{ not_templated }}""#)
    }

    /// The user's variables add to igncc's and override none: every variable of the site built
    /// without them reads the same, on every host, with them.
    @Test func userVariablesOverrideNothingIgnccWrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let block = try Self.vaultBlock("x", in: dir)
        let with = try Self.hostvars(Self.inventory(Self.site(vault: block), "with", in: dir), in: dir)
        let without = try Self.hostvars(Self.inventory(Self.site(vault: block, userVars: false), "without", in: dir), in: dir)
        #expect(with.keys.sorted() == without.keys.sorted())
        for (host, own) in without {
            let theirs = try #require(with[host])
            for (name, value) in own {
                #expect(try KubesprayConsumerTests.canonical(theirs[name] ?? NSNull()) == KubesprayConsumerTests.canonical(value),
                        "\(host): \(name)")
            }
            #expect(theirs.count > own.count, "\(host) reads the user's variables too")
        }
        // Flatcar's own values stay on the Flatcar host.
        #expect(with["w2"]?["bin_dir"] as? String == "/opt/bin")
        #expect(with["w2"]?["ansible_python_interpreter"] as? String == "/opt/bin/python")
    }

    /// Kubespray's groups: calico_rr inside k8s_cluster, the bastion in its own group.
    @Test func groupsAreKubespraysAndItsExpressionsHold() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let block = try Self.vaultBlock("x", in: dir)
        let inventory = try Self.inventory(Self.site(vault: block), "out", in: dir)
        let tool = try AnsibleVarsTests.tool("ansible-inventory")
        let graph = try AnsibleVarsTests.ansible(tool, ["-i", inventory, "--graph"], home: dir)
        #expect(graph.status == 0, "\(graph.stderr)")
        #expect(graph.stdout == """
            @all:
              |--@ungrouped:
              |--@etcd:
              |  |--cp1
              |  |--etcd2
              |  |--etcd3
              |--@bastion:
              |  |--bastion
              |--@k8s_cluster:
              |  |--@kube_control_plane:
              |  |  |--cp1
              |  |--@kube_node:
              |  |  |--cp1
              |  |  |--gpu1
              |  |  |--w2
              |  |--@calico_rr:
              |  |  |--rr1

            """)
        // Kubespray's layout (docs/ansible/inventory.md): a group and a host both named 'bastion'.
        #expect(graph.stderr.contains("Found both group and host with same name: bastion"), "\(graph.stderr)")

        // roles/network_plugin/calico/tasks/check.yml: "calico_rr must be a child group of
        // k8s_cluster group"; roles/kubespray_defaults: `peer_with_calico_rr`.
        let calico = try Self.debug(inventory, "rr1,cp1", "msg=\"{{ 'k8s_cluster' in group_names }} "
                                    + "{{ 'calico_rr' in groups and groups['calico_rr'] | length > 0 }} {{ cluster_id }}\"", in: dir)
        #expect(calico["rr1"] == #""msg": "True True 1.0.0.1""#, "\(calico)")
        #expect(calico["cp1"] == #""msg": "True True 1.0.0.1""#, "\(calico)")

        // roles/kubespray_defaults/defaults/main/main.yml (v2.31.0-96-g46dbdd399): every
        // connection goes through the host named 'bastion', to its ansible_host as its user.
        let proxy = "{% if 'bastion' in groups['all'] %} -o ProxyCommand='ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -W %h:%p -p {{ hostvars['bastion']['ansible_port'] | default(22) }} {{ hostvars['bastion']['ansible_user'] }}@{{ hostvars['bastion']['ansible_host'] }} {% if ansible_ssh_private_key_file is defined %}-i {{ ansible_ssh_private_key_file }}{% endif %} ' {% endif %}"
        let args = try Self.debug(inventory, "etcd2", "msg=\"\(proxy)\"", in: dir)
        #expect(args["etcd2"]?.contains("-p 22 core@192.168.1.27 ") == true, "\(args)")
        // roles/bastion-ssh-config/templates/ssh-bastion.conf.j2: the hosts behind the bastion.
        let behind = "{% for h in groups['all'] %}{% if h not in groups['bastion'] %}"
            + "{{ hostvars[h].get('ansible_ssh_host') or hostvars[h]['ansible_host'] }} {% endif %}{% endfor %}"
        let listed = try Self.debug(inventory, "bastion", "msg=\"\(behind)\"", in: dir)
        #expect(listed["bastion"] == #""msg": "192.168.1.21 192.168.1.22 192.168.1.23 192.168.1.24 192.168.1.25 192.168.1.26 ""#,
                "\(listed)")
    }
}
