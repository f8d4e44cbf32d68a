// PVE property strings ("virtio=BC:24:11:00:00:01,bridge=vmbr0", "local-lvm:32,ssd=1"): the value
// format of net[n], scsi[n], agent, ipconfig[n], smbios1 … (proxmox.md §1.3). Values cannot contain
// ',', and one "default key" may be written without "key=".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pve_emu {

struct PropertyString {
  std::vector<std::pair<std::string, std::string>> items;  // in the order written

  std::optional<std::string> get(const std::string& key) const;
  void set(const std::string& key, const std::string& value);  // replaces or appends
  void erase(const std::string& key);
  // "k=v,k2=v2" with `default_key` written first and without "key=" when present.
  std::string str(const std::string& default_key = "") const;
  // As PVE prints drives: the default key's value first, then the other keys sorted.
  std::string sorted_str(const std::string& default_key) const;
};

// Splits on ','; an item without '=' is assigned to `default_key` (error when there is none or it
// is given twice). Errors use PVE's wording ("invalid key in comma-separated list property: k").
struct ParsedPropertyString {
  PropertyString value;
  std::string error;  // empty on success
};
ParsedPropertyString parse_property_string(const std::string& text, const std::string& default_key);

}  // namespace pve_emu
