#include "proxmox/client.h"

#include <gtest/gtest.h>

#include <deque>

#include "proxmox/pve_version.h"

namespace proxmox {
namespace {

// Answers requests from a script, in order, and records them.
class ScriptedTransport final : public HttpTransport {
 public:
  std::deque<util::Result<HttpResponse>> answers;
  std::vector<HttpRequest> requests;

  util::Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (answers.empty()) {
      return util::Error::internal("script exhausted");
    }
    auto answer = std::move(answers.front());
    answers.pop_front();
    return answer;
  }
};

const std::string kUpid = "UPID:pve1:0009E5A5:014D341C:64B0769A:qmcreate:105:talforge@pve!ci:";

HttpResponse ok(const std::string& data) { return {200, "OK", R"({"data":)" + data + "}"}; }
HttpResponse running() { return ok(R"({"status":"running","upid":")" + kUpid + R"("})"); }
HttpResponse stopped(const std::string& exit) {
  return ok(R"({"status":"stopped","exitstatus":")" + exit + R"("})");
}

struct Fixture {
  ScriptedTransport* transport;
  util::ManualClock clock;
  std::unique_ptr<Client> client;
  Fixture() {
    auto t = std::make_unique<ScriptedTransport>();
    transport = t.get();
    client = std::make_unique<Client>(std::move(t), clock);
  }
};

TEST(ProxmoxClient, GetsAreRetriedOnTransientErrorsWithBackoff) {
  Fixture f;
  f.transport->answers.push_back(util::Error::unavailable("connection reset"));
  f.transport->answers.push_back(HttpResponse{503, "Service Unavailable", ""});
  f.transport->answers.push_back(ok(R"({"version":"8.2.2"})"));
  auto data = f.client->call(Method::Get, "/version");
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ(f.transport->requests.size(), 3u);
  EXPECT_EQ(f.clock.slept(), std::chrono::milliseconds(500 + 1000));
}

TEST(ProxmoxClient, ActionsAreNeverRetriedBlindly) {
  Fixture f;
  f.transport->answers.push_back(HttpResponse{500, "got no worker upid - start worker failed", ""});
  auto data = f.client->call(Method::Post, "/nodes/pve1/qemu", {{"vmid", "105"}});
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(f.transport->requests.size(), 1u);
}

TEST(ProxmoxClient, GetsGiveUpAfterTheLastAttempt) {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.transport->answers.push_back(HttpResponse{595, "Connection refused", ""});
  }
  auto data = f.client->call(Method::Get, "/cluster/resources");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(f.transport->requests.size(), 5u);
}

TEST(ProxmoxClient, TaskIsPolledOnItsOwnNodeUntilItStops) {
  Fixture f;
  f.transport->answers.push_back(ok('"' + kUpid + '"'));
  f.transport->answers.push_back(running());
  f.transport->answers.push_back(running());
  f.transport->answers.push_back(stopped("OK"));
  f.transport->answers.push_back(ok(R"([{"n":1,"t":"WARN: something odd"},{"n":2,"t":"TASK OK"}])"));
  int polls = 0;
  TaskWait wait;
  wait.on_poll = [&](const Upid& upid, std::chrono::milliseconds) {
    EXPECT_EQ(upid.type, "qmcreate");
    ++polls;
  };
  auto result = f.client->run_task(Method::Post, "/nodes/pve1/qemu", {{"vmid", "105"}}, wait);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(polls, 2);
  EXPECT_EQ(result->warnings, std::vector<std::string>{"WARN: something odd"});
  EXPECT_EQ(f.transport->requests[1].path,
            "/nodes/pve1/tasks/UPID%3Apve1%3A0009E5A5%3A014D341C%3A64B0769A%3Aqmcreate%3A105%3A"
            "talforge%40pve%21ci%3A/status");
}

TEST(ProxmoxClient, FailedTaskCarriesExitStatusAndLogTail) {
  Fixture f;
  f.transport->answers.push_back(stopped("unable to create VM 105 - no space left"));
  f.transport->answers.push_back(
      ok(R"([{"n":1,"t":"creating disk"},{"n":2,"t":"TASK ERROR: unable to create VM 105 - no space left"}])"));
  auto result = f.client->wait_task(kUpid);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("no space left"), std::string::npos);
  EXPECT_NE(result.error().message.find("creating disk"), std::string::npos);
}

TEST(ProxmoxClient, TaskWaitTimesOut) {
  Fixture f;
  for (int i = 0; i < 100; ++i) {
    f.transport->answers.push_back(running());
  }
  TaskWait wait;
  wait.timeout = std::chrono::seconds(5);
  auto result = f.client->wait_task(kUpid, wait);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, util::ErrorCode::Timeout);
}

TEST(ProxmoxClient, MalformedUpidIsAnError) {
  Fixture f;
  auto result = f.client->wait_task("UPID:pve1:bad");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(f.transport->requests.empty());
}

TEST(ProxmoxUpid, FieldsAreRead) {
  auto upid = parse_upid(kUpid);
  ASSERT_TRUE(upid.ok());
  EXPECT_EQ(upid->node, "pve1");
  EXPECT_EQ(upid->type, "qmcreate");
  EXPECT_EQ(upid->id, "105");
  EXPECT_EQ(upid->user, "talforge@pve!ci");
  EXPECT_EQ(upid->start_time, 0x64B0769Au);
  EXPECT_TRUE(parse_upid("UPID:pve1:00000001:00000002:00000003:imgcopy::root@pam:").ok());
  EXPECT_FALSE(parse_upid("UPID:pve1:0009E5A5:014D341C:64B0769A:qmcreate:105:root@pam:stopped").ok());
}

TEST(ProxmoxVersion, EveryReleaseFormatIsRead) {
  auto v7 = parse_pve_version("7.4-16");
  ASSERT_TRUE(v7.ok());
  EXPECT_EQ(v7->major, 7);
  EXPECT_EQ(v7->minor, 4);
  EXPECT_FALSE(v7->resize_is_async());
  EXPECT_FALSE(v7->supports_import_content());
  auto v8 = parse_pve_version("8.4.1");
  ASSERT_TRUE(v8.ok());
  EXPECT_TRUE(v8->supports_import_content());
  EXPECT_STREQ(v8->guest_agent_privilege(), "VM.Monitor");
  auto v9 = parse_pve_version("9.0.4");
  ASSERT_TRUE(v9.ok());
  EXPECT_STREQ(v9->guest_agent_privilege(), "VM.GuestAgent.Audit");
  EXPECT_FALSE(parse_pve_version("pve").ok());
}

}  // namespace
}  // namespace proxmox
