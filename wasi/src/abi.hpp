// wasi_snapshot_preview1 ABI: constants and struct layouts, as written in the
// preview1 witx spec (typenames.witx). Offsets are byte offsets in guest memory.
#pragma once
#include <cstdint>

namespace mywasm::wasi::abi {

using Fd = uint32_t;
using Rights = uint64_t;

enum Filetype : uint8_t {
  kFiletypeUnknown = 0,
  kFiletypeBlockDevice = 1,
  kFiletypeCharacterDevice = 2,
  kFiletypeDirectory = 3,
  kFiletypeRegularFile = 4,
  kFiletypeSocketDgram = 5,
  kFiletypeSocketStream = 6,
  kFiletypeSymbolicLink = 7,
};

// rights: one bit per operation.
namespace right {
constexpr Rights kFdDatasync = 1ull << 0;
constexpr Rights kFdRead = 1ull << 1;
constexpr Rights kFdSeek = 1ull << 2;
constexpr Rights kFdFdstatSetFlags = 1ull << 3;
constexpr Rights kFdSync = 1ull << 4;
constexpr Rights kFdTell = 1ull << 5;
constexpr Rights kFdWrite = 1ull << 6;
constexpr Rights kFdAdvise = 1ull << 7;
constexpr Rights kFdAllocate = 1ull << 8;
constexpr Rights kPathCreateDirectory = 1ull << 9;
constexpr Rights kPathCreateFile = 1ull << 10;
constexpr Rights kPathLinkSource = 1ull << 11;
constexpr Rights kPathLinkTarget = 1ull << 12;
constexpr Rights kPathOpen = 1ull << 13;
constexpr Rights kFdReaddir = 1ull << 14;
constexpr Rights kPathReadlink = 1ull << 15;
constexpr Rights kPathRenameSource = 1ull << 16;
constexpr Rights kPathRenameTarget = 1ull << 17;
constexpr Rights kPathFilestatGet = 1ull << 18;
constexpr Rights kPathFilestatSetSize = 1ull << 19;
constexpr Rights kPathFilestatSetTimes = 1ull << 20;
constexpr Rights kFdFilestatGet = 1ull << 21;
constexpr Rights kFdFilestatSetSize = 1ull << 22;
constexpr Rights kFdFilestatSetTimes = 1ull << 23;
constexpr Rights kPathSymlink = 1ull << 24;
constexpr Rights kPathRemoveDirectory = 1ull << 25;
constexpr Rights kPathUnlinkFile = 1ull << 26;
constexpr Rights kPollFdReadwrite = 1ull << 27;
constexpr Rights kSockShutdown = 1ull << 28;
constexpr Rights kSockAccept = 1ull << 29;
constexpr Rights kAll = (1ull << 30) - 1;

// What each kind of descriptor can ever do.
constexpr Rights kRegularFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell |
                                kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet | kFdFilestatSetSize |
                                kFdFilestatSetTimes | kPollFdReadwrite;
constexpr Rights kDirectory = kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory | kPathCreateFile |
                              kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink |
                              kPathRenameSource | kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize |
                              kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink |
                              kPathRemoveDirectory | kPathUnlinkFile;
constexpr Rights kDirectoryInheriting = kDirectory | kRegularFile;
constexpr Rights kCharacterDevice = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet | kPollFdReadwrite;
constexpr Rights kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet | kPollFdReadwrite |
                           kSockShutdown | kSockAccept;
// Rights that change the file system; a read-only preopen never grants them.
constexpr Rights kMutating = kFdDatasync | kFdWrite | kFdAllocate | kFdFilestatSetSize | kFdFilestatSetTimes |
                             kPathCreateDirectory | kPathCreateFile | kPathLinkSource | kPathLinkTarget |
                             kPathRenameSource | kPathRenameTarget | kPathFilestatSetSize |
                             kPathFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
}  // namespace right

namespace fdflag {
constexpr uint16_t kAppend = 1, kDsync = 2, kNonblock = 4, kRsync = 8, kSync = 16;
}
namespace oflag {
constexpr uint16_t kCreat = 1, kDirectory = 2, kExcl = 4, kTrunc = 8;
}
namespace lookupflag {
constexpr uint32_t kSymlinkFollow = 1;
}
namespace fstflag {
constexpr uint16_t kAtim = 1, kAtimNow = 2, kMtim = 4, kMtimNow = 8;
}
enum Whence : uint8_t { kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2 };
enum ClockId : uint32_t { kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3 };
enum EventType : uint8_t { kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventRwHangup = 1;
constexpr uint16_t kRiRecvPeek = 1, kRiRecvWaitall = 2;
constexpr uint16_t kRoDataTruncated = 1;
constexpr uint8_t kSdRd = 1, kSdWr = 2;
constexpr uint8_t kPreopenTypeDir = 0;
constexpr uint8_t kAdviceMax = 5;  // normal, sequential, random, willneed, dontneed, noreuse

// Struct layouts (size, then field offsets). 64-bit, so that a guest pointer
// plus an offset is computed in 64 bits and cannot wrap to a low address.
namespace iovec { constexpr uint64_t kSize = 8, kBuf = 0, kLen = 4; }
namespace filestat {
constexpr uint64_t kSize = 64, kDev = 0, kIno = 8, kFiletype = 16, kNlink = 24, kFileSize = 32, kAtim = 40,
                   kMtim = 48, kCtim = 56;
}
namespace fdstat { constexpr uint64_t kSize = 24, kFiletype = 0, kFlags = 2, kRightsBase = 8, kRightsInheriting = 16; }
namespace prestat { constexpr uint64_t kSize = 8, kTag = 0, kNameLen = 4; }
namespace dirent { constexpr uint64_t kSize = 24, kNext = 0, kIno = 8, kNamlen = 16, kType = 20; }
namespace subscription {
constexpr uint64_t kSize = 48, kUserdata = 0, kTag = 8;
constexpr uint64_t kClockId = 16, kClockTimeout = 24, kClockPrecision = 32, kClockFlags = 40;
constexpr uint64_t kFd = 16;
}  // namespace subscription
namespace event { constexpr uint64_t kSize = 32, kUserdata = 0, kError = 8, kType = 10, kNbytes = 16, kFlags = 24; }

}  // namespace mywasm::wasi::abi
