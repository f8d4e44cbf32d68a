#include "proxmox/envelope.h"

#include <gtest/gtest.h>

#include "test_paths.h"
#include "util/file.h"

namespace proxmox {
namespace {

std::string reference(const std::string& name) {
  auto text = util::read_file(testing_paths::shared("reference/proxmox/responses/" + name));
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? *text : "";
}

const HttpRequest kGet{Method::Get, "/cluster/nextid", {}};

TEST(Envelope, SuccessYieldsTheDataValue) {
  auto data = decode_response(kGet, {200, "OK", reference("cluster-nextid.json")});
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_TRUE(data->is_string());
  auto version = decode_response(kGet, {200, "OK", reference("version-pve9.0.json")});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ((*version)["version"], "9.0.4");
}

TEST(Envelope, ParameterErrorsNameEachParameter) {
  auto data = decode_response(kGet, {400, "Parameter verification failed.",
                                     reference("error-400-nextid-vmid-exists.json")});
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, util::ErrorCode::AlreadyExists);
  EXPECT_NE(data.error().message.find("vmid: VM 200 already exists"), std::string::npos)
      << data.error().message;
  auto bad = decode_response(
      kGet, {400, "Parameter verification failed.",
             R"({"data":null,"errors":{"name":"invalid format - value does not look like a valid DNS name\n"}})"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, util::ErrorCode::InvalidInput);
  EXPECT_NE(bad.error().message.find("name: invalid format"), std::string::npos);
}

TEST(Envelope, MessageIsPreferredOverTheReasonPhrase) {
  auto data = decode_response(
      kGet, {500, "unable to create VM 101 - VM 101 already exists on node 'pve1'",
             R"({"data":null,"message":"unable to create VM 101 - VM 101 already exists on node 'pve1'\n"})"});
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, util::ErrorCode::AlreadyExists);
}

TEST(Envelope, StatusAndTextDecideWhetherRetryHelps) {
  struct Case {
    int status;
    std::string reason;
    util::ErrorCode code;
  };
  const Case cases[] = {
      {401, "Authentication failed!", util::ErrorCode::PermissionDenied},
      {403, "Permission check failed (/vms/105, VM.Allocate)", util::ErrorCode::PermissionDenied},
      {500, "can't lock file '/var/lock/qemu-server/lock-105.conf' - got timeout",
       util::ErrorCode::Unavailable},
      {500, "got no worker upid - start worker failed", util::ErrorCode::Unavailable},
      {595, "Errors during connection establishment, proxy handshake: No route to host",
       util::ErrorCode::Unavailable},
      {503, "Service Unavailable", util::ErrorCode::Unavailable},
      {500, "VM is locked (clone)", util::ErrorCode::Conflict},
      {500, "VM 105 is running - destroy failed", util::ErrorCode::Conflict},
      {500, "Configuration file 'nodes/pve1/qemu-server/105.conf' does not exist",
       util::ErrorCode::NotFound},
      {500, "storage 'nvme' does not exist", util::ErrorCode::NotFound},
      {501, "Method 'GET /nodes/pve1/foo' not implemented", util::ErrorCode::Internal},
  };
  for (const Case& c : cases) {
    auto data = decode_response(kGet, {c.status, c.reason, c.status == 401 ? "" : R"({"data":null})"});
    ASSERT_FALSE(data.ok());
    EXPECT_EQ(data.error().code, c.code) << c.status << " " << c.reason;
    EXPECT_NE(data.error().message.find(c.reason), std::string::npos) << data.error().message;
  }
}

TEST(Envelope, SuccessWithoutEnvelopeIsAnError) {
  EXPECT_FALSE(decode_response(kGet, {200, "OK", "<html>"}).ok());
  EXPECT_FALSE(decode_response(kGet, {200, "OK", R"({"result":1})"}).ok());
}

}  // namespace
}  // namespace proxmox
