#include "proxmox/api.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "test_paths.h"
#include "util/file.h"

namespace proxmox {
namespace {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Answers by "METHOD /path" (the first handler whose key is a prefix of the request wins) and
// records every request.
class RoutedTransport final : public HttpTransport {
 public:
  std::vector<std::pair<std::string, Handler>> routes;
  std::vector<HttpRequest> requests;

  util::Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    const std::string key = std::string(method_name(request.method)) + " " + request.path;
    for (auto& [prefix, handler] : routes) {
      if (key.rfind(prefix, 0) == 0) {
        return handler(request);
      }
    }
    return HttpResponse{501, "Method '" + key + "' not implemented", R"({"data":null})"};
  }

  int count(const std::string& prefix) const {
    int n = 0;
    for (const HttpRequest& r : requests) {
      n += (std::string(method_name(r.method)) + " " + r.path).rfind(prefix, 0) == 0;
    }
    return n;
  }
};

HttpResponse ok(const std::string& data) { return {200, "OK", R"({"data":)" + data + "}"}; }

std::string upid(const std::string& type, const std::string& id) {
  return "UPID:pve1:0009E5A5:014D341C:64B0769A:" + type + ":" + id + ":talforge@pve!ci:";
}

std::string param(const HttpRequest& r, const std::string& key) {
  for (const auto& [k, v] : r.params) {
    if (k == key) {
      return v;
    }
  }
  return "<absent>";
}

VmSpec spec() {
  VmSpec s;
  s.pve_node = "pve1";
  s.vmid = 201;
  s.name = "cp-1";
  s.cores = 4;
  s.memory_mib = 4096;
  s.disk_gib = 20;
  s.disk_storage = "local-lvm";
  s.boot_iso = "local:iso/talos-v1.11.6-nocloud-amd64.iso";
  s.mac = "BC:24:11:0A:0B:0C";
  s.vlan = 20;
  s.ip_cidr = "127.10.0.11/8";
  s.gateway = "127.10.0.1";
  s.nameservers = {"127.0.0.53"};
  s.smbios_uuid = "5b0d2c4e-8a1f-4e8b-9a51-0f1e2d3c4b5a";
  s.cluster = "homelab";
  s.role = "controlplane";
  return s;
}

struct Fixture {
  RoutedTransport* transport;
  util::ManualClock clock;
  std::unique_ptr<Client> client;
  std::unique_ptr<Api> api;
  Fixture() {
    auto t = std::make_unique<RoutedTransport>();
    transport = t.get();
    client = std::make_unique<Client>(std::move(t), clock);
    api = make_http_api(*client);
    route("GET /version", [](auto&) { return ok(R"({"version":"8.4.1","release":"8.4"})"); });
  }
  void route(const std::string& prefix, Handler handler) {
    transport->routes.insert(transport->routes.begin(), {prefix, std::move(handler)});
  }
  void task_ok() {
    route("GET /nodes/pve1/tasks/", [](const HttpRequest& r) {
      return r.path.size() > 4 && r.path.substr(r.path.size() - 4) == "/log"
                 ? ok(R"([{"n":1,"t":"TASK OK"}])")
                 : ok(R"({"status":"stopped","exitstatus":"OK"})");
    });
  }
};

TEST(ProxmoxHttpApi, CreateSendsTalosFitSettingsAndWaitsForTheTask) {
  Fixture f;
  f.task_ok();
  HttpRequest create;
  f.route("POST /nodes/pve1/qemu", [&](const HttpRequest& r) {
    create = r;
    return ok('"' + upid("qmcreate", "201") + '"');
  });
  ASSERT_TRUE(f.api->create_vm(spec()).ok());
  EXPECT_EQ(param(create, "vmid"), "201");
  EXPECT_EQ(param(create, "cpu"), "x86-64-v2-AES");
  EXPECT_EQ(param(create, "balloon"), "0");
  EXPECT_EQ(param(create, "hotplug"), "network,disk,usb");  // never memory (talos.md §7.1)
  EXPECT_EQ(param(create, "scsihw"), "virtio-scsi-single");
  EXPECT_EQ(param(create, "scsi0"), "local-lvm:20,discard=on,iothread=1,ssd=1");
  EXPECT_EQ(param(create, "ide2"), "local-lvm:cloudinit");
  EXPECT_EQ(param(create, "ide3"), "local:iso/talos-v1.11.6-nocloud-amd64.iso,media=cdrom");
  EXPECT_EQ(param(create, "boot"), "order=scsi0;ide3");
  EXPECT_EQ(param(create, "net0"), "virtio=BC:24:11:0A:0B:0C,bridge=vmbr0,tag=20");
  EXPECT_EQ(param(create, "ipconfig0"), "ip=127.10.0.11/8,gw=127.10.0.1");
  EXPECT_EQ(param(create, "nameserver"), "127.0.0.53");
  EXPECT_EQ(param(create, "agent"), "1");
  EXPECT_EQ(param(create, "serial0"), "socket");
  // serial = base64("h=cp-1"): Talos nocloud takes the hostname from it (proxmox.md §2.16).
  EXPECT_EQ(param(create, "smbios1"),
            "uuid=5b0d2c4e-8a1f-4e8b-9a51-0f1e2d3c4b5a,serial=aD1jcC0x,base64=1");
  EXPECT_EQ(param(create, "tags"), "controlplane;homelab;talforge");
  EXPECT_EQ(param(create, "description"), "managed-by: talforge\ncluster: homelab\nnode: cp-1\n");
  EXPECT_EQ(f.transport->count("GET /nodes/pve1/tasks/"), 2);  // status + log
}

TEST(ProxmoxHttpApi, LostCreateAnswerWithOurVmPresentCountsAsCreated) {
  Fixture f;
  f.route("POST /nodes/pve1/qemu", [](auto&) {
    return HttpResponse{595, "Connection timed out", ""};
  });
  f.route("GET /cluster/resources", [](auto&) {
    return ok(R"([{"type":"qemu","vmid":201,"node":"pve1","status":"unknown","id":"qemu/201"}])");
  });
  int config_reads = 0;
  f.route("GET /nodes/pve1/qemu/201/config", [&](auto&) {
    ++config_reads;
    return ok(config_reads == 1
                  ? R"({"lock":"create","description":"managed-by: talforge\ncluster: homelab\nnode: cp-1\n","digest":"ab"})"
                  : R"({"description":"managed-by: talforge\ncluster: homelab\nnode: cp-1\n","digest":"cd"})");
  });
  ASSERT_TRUE(f.api->create_vm(spec()).ok());
  EXPECT_EQ(f.transport->count("POST /nodes/pve1/qemu"), 1);
  EXPECT_EQ(config_reads, 2);  // waited for lock: create to go away
}

TEST(ProxmoxHttpApi, VmidTakenByAForeignVmIsAClearError) {
  Fixture f;
  f.route("POST /nodes/pve1/qemu", [](auto&) {
    return HttpResponse{500, "unable to create VM 201 - VM 201 already exists on node 'pve2'",
                        R"({"data":null})"};
  });
  f.route("GET /cluster/resources", [](auto&) {
    return ok(R"([{"type":"qemu","vmid":201,"node":"pve2","status":"running","id":"qemu/201"}])");
  });
  f.route("GET /nodes/pve2/qemu/201/config",
          [](auto&) { return ok(R"({"name":"database","digest":"ab"})"); });
  auto created = f.api->create_vm(spec());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, util::ErrorCode::AlreadyExists);
  EXPECT_NE(created.error().message.find("201"), std::string::npos);
  EXPECT_FALSE(created.error().hint.empty());
}

TEST(ProxmoxHttpApi, TransientCreateFailureIsRetriedOnlyWhenNoVmAppeared) {
  Fixture f;
  f.task_ok();
  int posts = 0;
  f.route("POST /nodes/pve1/qemu", [&](auto&) {
    return ++posts == 1 ? HttpResponse{500, "got no worker upid - start worker failed",
                                       R"({"data":null})"}
                        : ok('"' + upid("qmcreate", "201") + '"');
  });
  f.route("GET /cluster/resources", [](auto&) { return ok("[]"); });
  ASSERT_TRUE(f.api->create_vm(spec()).ok());
  EXPECT_EQ(posts, 2);
}

TEST(ProxmoxHttpApi, ClusterStateComesFromOneCall) {
  Fixture f;
  auto body = util::read_file(testing_paths::shared("reference/proxmox/responses/cluster-resources.json"));
  ASSERT_TRUE(body.ok());
  f.route("GET /cluster/resources", [&](auto&) { return HttpResponse{200, "OK", *body}; });
  auto state = f.api->cluster();
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(f.transport->requests.size(), 1u);
  ASSERT_NE(state->find_vm(100), nullptr);
  EXPECT_EQ(state->find_vm(100)->node, "node2");
  EXPECT_EQ(state->find_vm(100)->status, "running");
  EXPECT_TRUE(state->find_vm(101)->is_template);
  EXPECT_FALSE(state->nodes.empty());
  EXPECT_FALSE(state->storages.empty());
}

TEST(ProxmoxHttpApi, FreeVmidSkipsUsedIdsAndConfirmsWithNextid) {
  Fixture f;
  f.route("GET /cluster/resources", [](auto&) {
    return ok(R"([{"type":"qemu","vmid":200,"node":"pve1"},{"type":"qemu","vmid":201,"node":"pve1"}])");
  });
  f.route("GET /cluster/nextid", [](const HttpRequest& r) {
    return param(r, "vmid") == "202"
               ? HttpResponse{400, "Parameter verification failed.",
                              R"({"data":null,"errors":{"vmid":"VM 202 already exists"}})"}
               : ok('"' + param(r, "vmid") + '"');
  });
  auto id = f.api->free_vmid(200);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 203);
}

TEST(ProxmoxHttpApi, DestroyStopsARunningVmFirstAndIgnoresAMissingOne) {
  Fixture f;
  f.task_ok();
  f.route("GET /nodes/pve1/qemu/201/status/current",
          [](auto&) { return ok(R"({"status":"running","vmid":201})"); });
  f.route("POST /nodes/pve1/qemu/201/status/stop",
          [](auto&) { return ok('"' + upid("qmstop", "201") + '"'); });
  HttpRequest destroy;
  f.route("DELETE /nodes/pve1/qemu/201", [&](const HttpRequest& r) {
    destroy = r;
    return ok('"' + upid("qmdestroy", "201") + '"');
  });
  ASSERT_TRUE(f.api->destroy_vm("pve1", 201).ok());
  EXPECT_EQ(f.transport->count("POST /nodes/pve1/qemu/201/status/stop"), 1);
  EXPECT_EQ(param(destroy, "purge"), "1");
  EXPECT_EQ(param(destroy, "destroy-unreferenced-disks"), "1");

  f.route("GET /nodes/pve1/qemu/202/status/current", [](auto&) {
    return HttpResponse{500, "Configuration file 'nodes/pve1/qemu-server/202.conf' does not exist",
                        R"({"data":null})"};
  });
  EXPECT_TRUE(f.api->destroy_vm("pve1", 202).ok());
}

TEST(ProxmoxHttpApi, BootImageIsDownloadedOnlyWhenMissing) {
  Fixture f;
  f.task_ok();
  bool present = false;
  f.route("GET /nodes/pve1/storage/local/content", [&](auto&) {
    return ok(present ? R"([{"volid":"local:iso/talos.iso","content":"iso","format":"iso","size":100}])"
                      : "[]");
  });
  HttpRequest download;
  f.route("POST /nodes/pve1/storage/local/download-url", [&](const HttpRequest& r) {
    download = r;
    present = true;
    return ok('"' + upid("download", "talos.iso") + '"');
  });
  DownloadRequest request{"pve1", "local", "http://127.0.0.1:8080/image/x/v1.11.6/nocloud-amd64.iso",
                          "talos.iso", "iso", std::string(64, 'a')};
  auto first = f.api->ensure_downloaded(request);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, "local:iso/talos.iso");
  EXPECT_EQ(param(download, "checksum-algorithm"), "sha256");
  auto second = f.api->ensure_downloaded(request);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(f.transport->count("POST /nodes/pve1/storage/local/download-url"), 1);
}

TEST(ProxmoxHttpApi, GuestInterfacesAndAgentStates) {
  Fixture f;
  auto body = util::read_file(
      testing_paths::shared("reference/proxmox/responses/agent-network-get-interfaces.json"));
  ASSERT_TRUE(body.ok());
  f.route("GET /nodes/pve1/qemu/201/agent", [&](auto&) { return HttpResponse{200, "OK", *body}; });
  auto ifaces = f.api->guest_interfaces("pve1", 201);
  ASSERT_TRUE(ifaces.ok()) << ifaces.error().message;
  ASSERT_GE(ifaces->size(), 2u);
  EXPECT_EQ((*ifaces)[0].name, "lo");
  EXPECT_EQ((*ifaces)[0].ipv4, std::vector<std::string>{"127.0.0.1"});

  f.route("GET /nodes/pve1/qemu/202/agent", [](auto&) {
    return HttpResponse{500, "QEMU guest agent is not running", R"({"data":null})"};
  });
  auto booting = f.api->guest_interfaces("pve1", 202);
  ASSERT_FALSE(booting.ok());
  EXPECT_EQ(booting.error().code, util::ErrorCode::Unavailable);
}

TEST(ProxmoxOwnership, MarkerRoundTripsAndForeignDescriptionsAreNotOurs) {
  const VmSpec s = spec();
  auto owner = parse_ownership(ownership_description(s));
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->cluster, "homelab");
  EXPECT_EQ(owner->node, "cp-1");
  EXPECT_FALSE(parse_ownership("my database VM").has_value());
  EXPECT_FALSE(parse_ownership("managed-by: talforge\n").has_value());
}

}  // namespace
}  // namespace proxmox
