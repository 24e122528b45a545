// board/rpi4/devices.h: bus addresses through /soc's ranges.
#include "board/rpi4/devices.h"

namespace rpi4 {
namespace {

// /soc's ranges in the shipped bcm2711-rpi-4-b.dtb (low-peripheral mode).
constexpr BusRange kLowPeripheralRanges[] = {
    {0x7e000000, 0xfe000000, 0x01800000},
    {0x7c000000, 0xfc000000, 0x02000000},
    {0x40000000, 0xff800000, 0x00800000},
};

bool translate(const BootInfo& info, const uint64_t (&bus)[6], paddr_t (&phys)[6]) {
  for (size_t i = 0; i < 6; ++i)
    if (!boot_soc_to_phys(info, bus[i], &phys[i])) return false;
  return true;
}

BootInfo low_peripheral_info() {
  BootInfo info = {};
  for (const BusRange& r : kLowPeripheralRanges) info.soc_ranges[info.soc_range_count++] = r;
  return info;
}

}  // namespace

bool locate_devices(const BootInfo* info, Devices* out) {
  const uint64_t bus[6] = {kBusMailbox, kBusPm, kBusGpio, kBusPl011, kBusGicd, kBusGicc};
  paddr_t phys[6];
  bool from_tree = info != nullptr && translate(*info, bus, phys);
  if (!from_tree) {
    static const BootInfo defaults = low_peripheral_info();
    translate(defaults, bus, phys);
  }
  *out = {phys[0], phys[1], phys[2], phys[3], phys[4], phys[5]};
  return from_tree;
}

}  // namespace rpi4
