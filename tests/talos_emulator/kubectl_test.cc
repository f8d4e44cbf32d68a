// Criterion 3 of issue 4: the REAL kubectl against the Kubernetes API the emulated control plane
// serves, with the kubeconfig `talforge kubeconfig` fetched through the Kubeconfig RPC.
#include <filesystem>

#include <gtest/gtest.h>

#include "process.h"
#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

constexpr const char* kKubectl = "/usr/bin/kubectl";

// kubectl with a private HOME, cache and gcloud config (the Debian/gcloud kubectl is a
// dispatcher that reads them), never the user's.
testing_process::Run kubectl(const GeneratedCluster& cluster, std::vector<std::string> args) {
  const std::string home = cluster.dir + "/home";
  std::filesystem::create_directories(home);
  std::vector<std::string> argv = {"/usr/bin/env",
                                   "HOME=" + home,
                                   "CLOUDSDK_CONFIG=" + home + "/gcloud",
                                   "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1",
                                   "KUBECONFIG=" + cluster.dir + "/kubeconfig",
                                   kKubectl,
                                   "--cache-dir=" + home + "/cache",
                                   "--request-timeout=10s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing_process::run(argv);
}

TEST(Kubectl, RealKubectlWorksWithTheKubeconfigTalforgeFetched) {
  ASSERT_TRUE(std::filesystem::exists(kKubectl)) << "kubectl is missing: run scripts/setup";
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(41, 1, 2, "kube");
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  const auto fetched =
      testing_process::talforge({"kubeconfig", "-f", "cluster.yaml", "-o", "kubeconfig"}, cluster.dir);
  ASSERT_EQ(fetched.exit_code, 0) << fetched.out << fetched.err;
  EXPECT_EQ(fetched.err.find("locally"), std::string::npos)
      << "the kubeconfig must come from the Kubeconfig RPC: " << fetched.err;

  const auto nodes = kubectl(cluster, {"get", "nodes", "-o", "wide"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  for (const char* name : {"cp-1", "w-1", "w-2"}) {
    EXPECT_NE(nodes.out.find(name), std::string::npos) << nodes.out;
  }
  EXPECT_NE(nodes.out.find("127.10.41.11"), std::string::npos) << nodes.out;

  const auto pods = kubectl(cluster, {"get", "pods", "-A"});
  ASSERT_EQ(pods.exit_code, 0) << pods.err;
  EXPECT_NE(pods.out.find("kube-apiserver-cp-1"), std::string::npos) << pods.out;

  const auto ready =
      kubectl(cluster, {"wait", "--for=condition=Ready", "node", "--all", "--timeout=20s"});
  EXPECT_EQ(ready.exit_code, 0) << ready.out << ready.err;

  const auto cordon = kubectl(cluster, {"cordon", "w-1"});
  EXPECT_EQ(cordon.exit_code, 0) << cordon.err;
  const auto drain = kubectl(cluster, {"drain", "w-1", "--ignore-daemonsets",
                                       "--delete-emptydir-data", "--timeout=20s"});
  EXPECT_EQ(drain.exit_code, 0) << drain.out << drain.err;
  const auto unschedulable =
      kubectl(cluster, {"get", "node", "w-1", "-o", "jsonpath={.spec.unschedulable}"});
  EXPECT_EQ(unschedulable.out, "true") << unschedulable.err;

  const auto deleted = kubectl(cluster, {"delete", "node", "w-2"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  const auto after = kubectl(cluster, {"get", "nodes", "-o", "name"});
  EXPECT_EQ(after.out.find("w-2"), std::string::npos) << after.out;
}

}  // namespace
}  // namespace talos_emu_test
