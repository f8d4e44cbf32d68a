// The schema validator on its own, against the real 8.4 schema.
#include <gtest/gtest.h>

#include "emulators/proxmox/api_schema.h"
#include "emulators/proxmox/param_validator.h"

namespace pve_emu {
namespace {

class Validator : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ApiSchema::load(std::string(TALFORGE_SHARED_DIR) +
                                  "/reference/proxmox/apidata.json");
    ASSERT_TRUE(loaded.ok());
    schema_ = new std::shared_ptr<const ApiSchema>(std::move(*loaded));
  }
  static const nlohmann::json& parameters(const std::string& path, const std::string& method) {
    auto match = (*schema_)->match(path, method);
    EXPECT_TRUE(match && match->method);
    return (*match->method)["parameters"];
  }
  static std::shared_ptr<const ApiSchema>* schema_;
};
std::shared_ptr<const ApiSchema>* Validator::schema_ = nullptr;

TEST_F(Validator, RoutesPathsWithPlaceholdersAndVolumes) {
  auto config = (*schema_)->match("/nodes/pve1/qemu/101/config", "PUT");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->schema_path, "/nodes/{node}/qemu/{vmid}/config");
  EXPECT_EQ(config->path_params.at("vmid"), "101");
  auto volume = (*schema_)->match("/nodes/pve1/storage/local/content/local:iso/talos.iso", "DELETE");
  ASSERT_TRUE(volume);
  EXPECT_EQ(volume->path_params.at("volume"), "local:iso/talos.iso");
  EXPECT_FALSE((*schema_)->match("/nodes/pve1/nope", "GET"));
}

TEST_F(Validator, AcceptsTheDocumentedTalosCreateBody) {
  const Params params = {
      {"node", "pve1"}, {"vmid", "201"}, {"name", "cp-1"}, {"ostype", "l26"}, {"machine", "q35"},
      {"bios", "ovmf"}, {"efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=0"},
      {"cpu", "host"}, {"sockets", "1"}, {"cores", "4"}, {"memory", "8192"}, {"balloon", "0"},
      {"scsihw", "virtio-scsi-single"},
      {"scsi0", "local-lvm:0,import-from=local:import/talos.raw,discard=on,iothread=1,ssd=1"},
      {"ide2", "local-lvm:cloudinit"}, {"net0", "virtio,bridge=vmbr0,tag=20"},
      {"ipconfig0", "ip=127.10.0.11/24,gw=127.10.0.1"}, {"nameserver", "127.10.0.1"},
      {"searchdomain", "lab.example"}, {"agent", "1"}, {"serial0", "socket"},
      {"boot", "order=scsi0"}, {"tags", "talforge;cluster-a;controlplane"},
      {"description", "managed-by: talforge"}, {"onboot", "1"},
      {"smbios1", "uuid=5b1f3c4e-0000-4a56-9d0e-5d6b2f3c4e5a,serial=aD1jcC0x,base64=1"}};
  EXPECT_EQ(validate_parameters(parameters("/nodes/pve1/qemu", "POST"), params), ParamErrors{});
}

TEST_F(Validator, ReportsRangeAndIndexErrors) {
  const ParamErrors errors = validate_parameters(
      parameters("/nodes/pve1/qemu", "POST"),
      {{"node", "pve1"}, {"vmid", "99"}, {"cores", "0"}, {"scsi31", "local-lvm:4"},
       {"net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,speed=10"}});
  EXPECT_EQ(errors.at("vmid"), "value must have a minimum value of 100");
  EXPECT_EQ(errors.at("cores"), "value must have a minimum value of 1");
  EXPECT_EQ(errors.at("scsi31"),
            "property is not defined in schema and the schema does not allow additional "
            "properties");
  EXPECT_EQ(errors.at("net0"),
            "invalid format - invalid key in comma-separated list property: speed\n");
}

TEST_F(Validator, RequiresPairsAndPatterns) {
  const ParamErrors errors = validate_parameters(
      parameters("/nodes/pve1/storage/local/download-url", "POST"),
      {{"node", "pve1"}, {"storage", "local"}, {"url", "ftp://127.0.0.1/x.iso"},
       {"content", "iso"}, {"filename", "x.iso"}, {"checksum", "abc"}});
  EXPECT_EQ(errors.at("url"), "value does not match the regex pattern");
  EXPECT_EQ(errors.at("checksum-algorithm"), "missing property - 'checksum' requires this property");
}

}  // namespace
}  // namespace pve_emu
