// Boot images are downloaded once per PVE node storage and reused by later talforge runs
// (issue 5, criterion 6), including files an administrator put there outside talforge.
#include <gtest/gtest.h>

#include "client_run_support.h"

namespace pve_test {
namespace {

const char* kDownloadUrl = "POST /nodes/{node}/storage/{storage}/download-url";

proxmox::DownloadRequest on(const std::string& pve_node, const factory::BootAsset& asset) {
  return {pve_node, "local", asset.url, asset.filename, "iso", ""};
}

class BootImageReuse : public ClientAgainstEmulator {};

TEST_F(BootImageReuse, OneDownloadPerNodeStorageThenReusedByTheNextRun) {
  start("8.4", 2);
  const factory::BootAsset asset = boot_asset("v1.11.6", "iso");
  const std::string volid = "local:iso/" + asset.filename;

  proxmox::Api& first = new_run();
  for (const std::string node : {"pve1", "pve2"}) {
    auto got = first.ensure_downloaded(on(node, asset));
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_EQ(*got, volid);
  }
  EXPECT_EQ(requests_to(kDownloadUrl), 2);
  EXPECT_EQ(counters()["downloads"], 2);

  proxmox::Api& second = new_run();
  for (const std::string node : {"pve1", "pve2"}) {
    auto got = second.ensure_downloaded(on(node, asset));
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_EQ(*got, volid);
  }
  EXPECT_EQ(requests_to(kDownloadUrl), 2);  // none from the second run
  EXPECT_EQ(counters()["downloads"], 2);
}

TEST_F(BootImageReuse, AFilePlacedOutsideTalforgeIsReused) {
  start("8.4", 2);
  const factory::BootAsset asset = boot_asset("v1.11.6", "iso");
  ApiResponse placed = outside().post("/nodes/pve2/storage/local/download-url",
                                      {{"url", asset.url},
                                       {"content", "iso"},
                                       {"filename", asset.filename}});
  ASSERT_EQ(placed.status, 200) << placed.raw;
  ASSERT_EQ(outside().wait_task(placed.data()).at("exitstatus"), "OK");

  proxmox::Api& run = new_run();
  for (const std::string node : {"pve1", "pve2"}) {
    auto got = run.ensure_downloaded(on(node, asset));
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_EQ(*got, "local:iso/" + asset.filename);
  }
  EXPECT_EQ(requests_to(kDownloadUrl), 2);  // the outside one and pve1's
  EXPECT_EQ(counters()["downloads"], 2);
}

TEST_F(BootImageReuse, FileNamesArePveNormalisedBeforeLookingForThem) {
  // PVE stores "talos v1.11.6 (nocloud).iso" as "talos_v1.11.6__nocloud_.iso" (proxmox.md §2.14).
  start("8.4", 1);
  factory::BootAsset asset = boot_asset("v1.11.6", "iso");
  asset.filename = "talos v1.11.6 (nocloud).iso";
  proxmox::Api& first = new_run();
  auto got = first.ensure_downloaded(on("pve1", asset));
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ(*got, "local:iso/talos_v1.11.6__nocloud_.iso");
  auto again = new_run().ensure_downloaded(on("pve1", asset));
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(*again, *got);
  EXPECT_EQ(requests_to(kDownloadUrl), 1);
}

}  // namespace
}  // namespace pve_test
