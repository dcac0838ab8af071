#include <gtest/gtest.h>

#include <string_view>
#include <tuple>

#include "decoder.hpp"
#include "module_bytes.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::cat;
using test::header;
using test::load;
using test::section;
using test::single_func_module;

// The decoder's error (load() also checks load_module reports the same).
std::optional<LoadError> decode(const Bytes& bytes) { return load(bytes).decode_error; }

TEST(Decoder, EmptyModule) {
  Module m;
  EXPECT_FALSE(decode_module(header(), m));
  EXPECT_EQ(std::vector<uint8_t>(m.bytes.begin(), m.bytes.end()), header());
  EXPECT_TRUE(m.types.empty());
}

TEST(Decoder, HeaderErrors) {
  EXPECT_EQ(decode({})->message, "unexpected end");
  EXPECT_EQ(decode({0x00, 0x61, 0x73})->message, "unexpected end");
  EXPECT_EQ(decode({0x00, 0x61, 0x73, 0x6D, 0x01})->message, "unexpected end");
  EXPECT_EQ(decode({0x01, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00})->message, "magic header not detected");
  auto e = decode({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00});
  EXPECT_EQ(e->message, "unknown binary version");
  EXPECT_EQ(e->offset, 4u);
}

TEST(Decoder, SectionIdsAndOrder) {
  auto e = decode(cat({header(), {0x0D, 0x00}}));
  EXPECT_EQ(e->message, "malformed section id");
  EXPECT_EQ(e->offset, 8u);
  // Type section after function section.
  EXPECT_EQ(decode(cat({header(), section(3, {0x00}), section(1, {0x00})}))->message,
            "unexpected content after last section");
  // Duplicate section.
  EXPECT_EQ(decode(cat({header(), section(1, {0x00}), section(1, {0x00})}))->message,
            "unexpected content after last section");
  // Data count (12) goes between element (9) and code (10); customs anywhere.
  EXPECT_FALSE(decode(cat({header(), section(9, {0x00}), section(0, {0x01, 'x'}), section(12, {0x00}),
                           section(10, {0x00})})));
}

TEST(Decoder, SectionSizeMismatch) {
  // Type section declares 3 bytes but its one type takes 4.
  auto e = decode(cat({header(), {0x01, 0x03, 0x01, 0x60, 0x00, 0x00}}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "section size mismatch");
  // Section larger than the rest of the module.
  EXPECT_EQ(decode(cat({header(), {0x01, 0x09, 0x00}}))->message, "length out of bounds");
}

TEST(Decoder, TruncatedSectionContent) {
  // Memory section with a count but no limits.
  auto e = decode(cat({header(), {0x05, 0x01, 0x01}}));
  EXPECT_EQ(e->message, "unexpected end of section or function");
  EXPECT_EQ(e->offset, 11u);
}

TEST(Decoder, FunctionAndCodeCountsMustAgree) {
  Bytes types = section(1, {0x01, 0x60, 0x00, 0x00});
  EXPECT_EQ(decode(cat({header(), types, section(3, {0x01, 0x00})}))->message,
            "function and code section have inconsistent lengths");
  EXPECT_EQ(decode(cat({header(), types, section(3, {0x01, 0x00}), section(10, {0x00})}))->message,
            "function and code section have inconsistent lengths");
}

TEST(Decoder, FunctionBody) {
  // (func (result i32) (local i64 i64) (local f32) i32.const 7)
  Bytes bytes = single_func_module({0x7F}, {0x41, 0x07, 0x0B}, {}, {0x02, 0x02, 0x7E, 0x01, 0x7D});
  Module m;
  ASSERT_FALSE(decode_module(bytes, m));
  ASSERT_EQ(m.bodies.size(), 1u);
  const FuncBody& body = m.bodies[0];
  EXPECT_EQ(body.local_groups, (std::vector<LocalGroup>{{2, ValType::I64}, {3, ValType::F32}}));
  EXPECT_EQ(body.num_locals(), 3u);
  EXPECT_EQ(body.local_type(0), ValType::I64);
  EXPECT_EQ(body.local_type(1), ValType::I64);
  EXPECT_EQ(body.local_type(2), ValType::F32);
  EXPECT_EQ(body.max_depth, 0u);
  EXPECT_EQ(m.bytes[m.bodies[0].code_begin], 0x41);
  EXPECT_EQ(m.bodies[0].code_end, bytes.size());
  EXPECT_EQ(m.func_type(0).results, std::vector<ValType>{ValType::I32});
}

TEST(Decoder, TooManyLocals) {
  // Two groups of 0xFFFFFFFF locals.
  Bytes locals{0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F};
  EXPECT_EQ(decode(single_func_module({}, {0x0B}, {}, locals))->message, "too many locals");
}

using test::leb;

// A section of any size (section() takes payloads under 128 bytes).
Bytes big_section(uint8_t id, const Bytes& payload) { return cat({{id}, leb(payload.size()), payload}); }

// Locals are kept as runs of one type, whatever the grouping the binary
// chose, so 50,000 locals cost one entry.
TEST(Decoder, LocalsAreKeptAsRunsOfOneType) {
  // (local i32) (local i32 i32) (local) (local f64 x 50000 - 4) (local i32)
  Bytes locals = cat({{0x05, 0x01, 0x7F, 0x02, 0x7F, 0x00, 0x7C}, leb(50'000 - 4), {0x7C, 0x01, 0x7F}});
  Module m;
  ASSERT_FALSE(decode_module(single_func_module({}, {0x0B}, {}, locals), m));
  const FuncBody& body = m.bodies[0];
  EXPECT_EQ(body.local_groups,
            (std::vector<LocalGroup>{{3, ValType::I32}, {49'999, ValType::F64}, {50'000, ValType::I32}}));
  EXPECT_EQ(body.local_type(2), ValType::I32);
  EXPECT_EQ(body.local_type(3), ValType::F64);
  EXPECT_EQ(body.local_type(49'998), ValType::F64);
  EXPECT_EQ(body.local_type(49'999), ValType::I32);
  // One more is past the JS API's limit.
  locals[locals.size() - 2] = 0x02;
  EXPECT_EQ(decode(single_func_module({}, {0x0B}, {}, locals))->message, "too many locals");
}

// The deepest block nesting of a body, for the later stages to size their
// control stacks once.
TEST(Decoder, RecordsTheDeepestNesting) {
  // block (loop (if (block end) else end) end) end, then block end
  Bytes code{0x02, 0x40, 0x03, 0x40, 0x41, 0x00, 0x04, 0x40, 0x02, 0x40, 0x0B, 0x05, 0x0B,
             0x0B, 0x0B, 0x02, 0x40, 0x0B, 0x0B};
  Module m;
  ASSERT_FALSE(decode_module(single_func_module({}, code), m));
  EXPECT_EQ(m.bodies[0].max_depth, 4u);
}

// Issue 13, item 4: the JS API's implementation limits, refused as soon as
// the count is read (so a few bytes cannot claim gigabytes of work).
TEST(Decoder, ImplementationLimits) {
  // (section, message, offset of the count: after the 8-byte header and the section's id and size)
  const std::tuple<Bytes, std::string, size_t> cases[] = {
      {section(1, cat({leb(1'000'001)})), "too many types (1000001; the limit is 1000000)", 10},
      {section(1, cat({{0x01, 0x60}, leb(1001)})), "too many parameters (1001; the limit is 1000)", 12},
      {section(1, cat({{0x01, 0x60, 0x00}, leb(1001)})), "too many results (1001; the limit is 1000)", 13},
      {section(2, leb(100'001)), "too many imports (100001; the limit is 100000)", 10},
      {section(3, leb(1'000'001)), "too many functions (1000001; the limit is 1000000)", 10},
      {section(4, leb(100'001)), "too many tables (100001; the limit is 100000)", 10},
      {section(6, leb(1'000'001)), "too many globals (1000001; the limit is 1000000)", 10},
      {section(7, leb(100'001)), "too many exports (100001; the limit is 100000)", 10},
      {section(9, leb(10'000'001)), "too many element segments (10000001; the limit is 10000000)", 10},
      {section(11, leb(100'001)), "too many data segments (100001; the limit is 100000)", 10},
  };
  for (const auto& [sec, message, offset] : cases) {
    auto err = decode(cat({header(), sec}));
    ASSERT_TRUE(err) << message;
    EXPECT_EQ(err->message, message);
    EXPECT_EQ(err->offset, offset) << message;
  }
  // br_table: 65,520 targets at most.
  auto err = decode(single_func_module({}, cat({{0x41, 0x00, 0x0E}, leb(65'521), {0x00, 0x00, 0x0B}})));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "too many br_table targets (65521; the limit is 65520)");
  // A function body of more than 7,654,321 bytes (nops), before any of it is read.
  Bytes body = cat({{0x00}, Bytes(7'654'321, 0x01), {0x0B}});
  Bytes code = big_section(10, cat({{0x01}, leb(body.size()), body}));
  err = decode(cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}), code}));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "function body too large (7654323 bytes; the limit is 7654321)");
}

TEST(Decoder, BodyErrors) {
  EXPECT_EQ(decode(single_func_module({}, {0xFF, 0x0B}))->message, "illegal opcode ff");
  EXPECT_EQ(decode(single_func_module({}, {0x3F, 0x01, 0x1A, 0x0B}))->message, "zero byte expected");
  // Body without its final end, at the end of the module.
  EXPECT_EQ(decode(single_func_module({}, {0x01}))->message, "unexpected end of section or function");
  // `else` outside of an `if`.
  EXPECT_EQ(decode(single_func_module({}, {0x02, 0x40, 0x05, 0x0B, 0x0B}))->message, "END opcode expected");
}

TEST(Decoder, TruncatedBodies) {
  // Missing `end` of a nested block at the end of the module: the spec's
  // reference interpreter says "unexpected end" here, but "unexpected end
  // of section or function" when only the function's own end is missing.
  EXPECT_EQ(decode(single_func_module({}, {0x02, 0x40, 0x0B}))->message, "unexpected end of section or function");
  EXPECT_EQ(decode(single_func_module({}, {0x02, 0x40, 0x02, 0x40, 0x0B}))->message, "unexpected end");
  // A body read past its declared size ends in a size mismatch.
  Bytes code = section(10, {0x01, 0x02, 0x00, 0x01, 0x0B});
  EXPECT_EQ(decode(cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}), code}))->message,
            "section size mismatch");
}

TEST(Decoder, DataCountRequiredForDataInstructions) {
  // data.drop 0 with a data section but no data count section.
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x01, 0x01, 0x00});
  auto e = decode(cat({single_func_module({}, {0xFC, 0x09, 0x00, 0x0B}, memory), data}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "data count section required");
  EXPECT_EQ(e->offset, 28u);  // the data.drop, after header, type, function, memory sections
}

TEST(Decoder, CallIndirectAcceptsOverlongTableIndex) {
  // Table section: one funcref table of min 1; body: i32.const 0,
  // call_indirect type 0 table `80 80 80 80 00`, end.
  Bytes table = section(4, {0x01, 0x70, 0x00, 0x01});
  Bytes code{0x41, 0x00, 0x11, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B};
  auto r = load(single_func_module({}, code, table));
  EXPECT_EQ(r.message(), "ok");
}

TEST(Decoder, ImportsAndIndexSpaces) {
  // (import "m" "f" (func (type 0))) (import "m" "g" (global (mut i32)))
  // (import "m" "t" (table 1 2 externref)) (import "m" "mem" (memory 1))
  Bytes imports{0x04,
                0x01, 'm', 0x01, 'f', 0x00, 0x00,
                0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x01,
                0x01, 'm', 0x01, 't', 0x01, 0x6F, 0x01, 0x01, 0x02,
                0x01, 'm', 0x03, 'm', 'e', 'm', 0x02, 0x00, 0x01};
  Module m;
  ASSERT_FALSE(decode_module(cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), section(2, imports)}), m));
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_TRUE(m.global_types[0].mut);
  EXPECT_EQ(m.tables[0].elem, ValType::ExternRef);
  EXPECT_EQ(m.tables[0].limits.max, 2u);
  EXPECT_EQ(m.imports[3].name, "mem");
  EXPECT_FALSE(validate_module(m));
}

TEST(Decoder, ImportErrors) {
  Bytes bad_kind{0x01, 0x01, 'm', 0x01, 'f', 0x04, 0x00};
  EXPECT_EQ(decode(cat({header(), section(2, bad_kind)}))->message, "malformed import kind");
  Bytes bad_mut{0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x02};
  EXPECT_EQ(decode(cat({header(), section(2, bad_mut)}))->message, "malformed mutability");
  Bytes bad_ref{0x01, 0x01, 'm', 0x01, 't', 0x01, 0x7F, 0x00, 0x01};
  EXPECT_EQ(decode(cat({header(), section(2, bad_ref)}))->message, "malformed reference type");
  Bytes bad_limits{0x01, 0x01, 'm', 0x01, 'm', 0x02, 0x02, 0x00};
  EXPECT_EQ(decode(cat({header(), section(2, bad_limits)}))->message, "integer too large");
  Bytes long_limits{0x01, 0x01, 'm', 0x01, 'm', 0x02, 0x81, 0x00, 0x00, 0x00};
  EXPECT_EQ(decode(cat({header(), section(2, long_limits)}))->message, "integer representation too long");
}

// Long names go eight ASCII bytes at a time: what follows a run of ASCII,
// or straddles the end of one, is still checked byte by byte.
TEST(Decoder, Utf8AfterAsciiRuns) {
  auto valid = [](std::string_view s) { return is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  EXPECT_TRUE(valid("abcdefgh\xC3\xA9ijklmnopqrstuvwx"));
  EXPECT_TRUE(valid("abcdefghijklmno\xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid("abcdefghijklmnopqrstuvw\xFF"));
  EXPECT_FALSE(valid("abcdefg\xC3"));                      // truncated, inside the first eight bytes
  EXPECT_FALSE(valid("abcdefgh\xED\xA0\x80" "abcdefgh"));   // a surrogate between runs
  EXPECT_FALSE(valid("abcdefgh\xC0\x80" "abcdefghijklmn"));  // overlong
  EXPECT_FALSE(valid("abcdefgh\xFF" "abcdefgh"));        // one bad byte, then ASCII
}

TEST(Decoder, NamesMustBeUtf8) {
  // Export named "\xC0\x80" (overlong NUL) and a lone surrogate.
  Bytes overlong{0x01, 0x02, 0xC0, 0x80, 0x00, 0x00};
  EXPECT_EQ(decode(cat({header(), section(7, overlong)}))->message, "malformed UTF-8 encoding");
  Bytes surrogate{0x01, 0x03, 0xED, 0xA0, 0x80, 0x00, 0x00};
  EXPECT_EQ(decode(cat({header(), section(7, surrogate)}))->message, "malformed UTF-8 encoding");
  // A custom section's name too.
  EXPECT_EQ(decode(cat({header(), section(0, {0x01, 0xFF})}))->message, "malformed UTF-8 encoding");
  // Valid multi-byte names.
  Bytes ok{0x01, 0x04, 0xF0, 0x9F, 0x98, 0x80, 0x00, 0x00};
  Module m;
  ASSERT_FALSE(decode_module(cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                                  section(7, ok), section(10, {0x01, 0x02, 0x00, 0x0B})}),
                             m));
  EXPECT_EQ(m.exports[0].name, "\xF0\x9F\x98\x80");
}

TEST(Decoder, NameSection) {
  // "name": module name "mod", function 0 named "fn".
  Bytes names{0x04, 'n', 'a', 'm', 'e',
              0x00, 0x04, 0x03, 'm', 'o', 'd',
              0x01, 0x05, 0x01, 0x00, 0x02, 'f', 'n'};
  Module m;
  ASSERT_FALSE(decode_module(single_func_module({}, {0x0B}), m));
  Bytes bytes = cat({single_func_module({}, {0x0B}), section(0, names)});
  Module named;
  ASSERT_FALSE(decode_module(bytes, named));
  EXPECT_EQ(named.module_name, "mod");
  EXPECT_EQ(named.func_display_name(0), "fn");
  EXPECT_EQ(m.func_display_name(0), "func[0]");
}

// Names are found by function index; a name map out of ascending index
// order is malformed, so the section is ignored as a whole.
TEST(Decoder, FunctionNamesByIndexAndOutOfOrderMapsIgnored) {
  auto module_named = [](std::initializer_list<uint8_t> name_map) {
    Bytes names{0x04, 'n', 'a', 'm', 'e', 0x01, static_cast<uint8_t>(name_map.size())};
    names.insert(names.end(), name_map);
    Bytes types = section(1, {0x01, 0x60, 0x00, 0x00});
    Bytes funcs = section(3, {0x03, 0x00, 0x00, 0x00});
    Bytes code = section(10, {0x03, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
    Module m;
    EXPECT_FALSE(decode_module(cat({header(), types, funcs, code, section(0, names)}), m));
    return m;
  };
  // functions 0 and 2 named, 1 not
  Module m = module_named({0x02, 0x00, 0x01, 'a', 0x02, 0x02, 'c', 'c'});
  EXPECT_EQ(m.func_display_name(0), "a");
  EXPECT_EQ(m.func_display_name(1), "func[1]");
  EXPECT_EQ(m.func_display_name(2), "cc");
  EXPECT_FALSE(m.func_name(3).has_value());
  // the same names listed 2 before 0
  Module unordered = module_named({0x02, 0x02, 0x02, 'c', 'c', 0x00, 0x01, 'a'});
  EXPECT_TRUE(unordered.func_names.empty());
  EXPECT_EQ(unordered.func_display_name(0), "func[0]");
}

TEST(Decoder, BrokenNameSectionIsIgnored) {
  // Function-names subsection whose size runs past the section.
  Bytes names{0x04, 'n', 'a', 'm', 'e', 0x01, 0x7F, 0x01};
  Module m;
  EXPECT_FALSE(decode_module(cat({single_func_module({}, {0x0B}), section(0, names)}), m));
  EXPECT_TRUE(m.func_names.empty());
}

TEST(Decoder, CustomSectionPayloadIsSkipped) {
  Bytes payload(120, 0xFF);  // name "xyz", then arbitrary bytes, never parsed
  const uint8_t name[] = {0x03, 'x', 'y', 'z'};
  std::copy(std::begin(name), std::end(name), payload.begin());
  Module m;
  EXPECT_FALSE(decode_module(cat({header(), section(0, payload)}), m));
}

TEST(Decoder, ElementSegmentEncodings) {
  Bytes types = section(1, {0x01, 0x60, 0x00, 0x00});
  Bytes funcs = section(3, {0x01, 0x00});
  Bytes table = section(4, {0x01, 0x70, 0x00, 0x0A});
  Bytes elems = section(9, {0x08,
                            0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,              // 0: active, funcidx
                            0x01, 0x00, 0x01, 0x00,                          // 1: passive, funcidx
                            0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,  // 2: active table 0
                            0x03, 0x00, 0x01, 0x00,                          // 3: declarative
                            0x04, 0x41, 0x02, 0x0B, 0x01, 0xD2, 0x00, 0x0B,  // 4: active, exprs
                            0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B,              // 5: passive, exprs
                            0x06, 0x00, 0x41, 0x03, 0x0B, 0x70, 0x00,        // 6: active table 0, exprs
                            0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B});            // 7: declarative, exprs
  Bytes code = section(10, {0x01, 0x02, 0x00, 0x0B});
  Module m;
  ASSERT_FALSE(decode_module(cat({header(), types, funcs, table, elems, code}), m));
  ASSERT_EQ(m.elems.size(), 8u);
  const SegmentMode modes[] = {SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active,
                               SegmentMode::Declarative, SegmentMode::Active, SegmentMode::Passive,
                               SegmentMode::Active, SegmentMode::Declarative};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(m.elems[i].mode, modes[i]) << "segment " << i;
  // ref.func of a known function, in either form: the index itself.
  for (int i : {0, 4}) {
    ASSERT_EQ(m.elems[i].items.size(), 1u) << i;
    EXPECT_EQ(m.elems[i].items[0], 0u) << i;
    EXPECT_TRUE(m.elems[i].exprs.empty()) << i;
  }
  const ConstExpr* null_item = m.elems[5].expr(m.elems[5].items.at(0));
  ASSERT_TRUE(null_item);
  EXPECT_EQ(null_item->instrs.at(0).op, Opcode::RefNull);
  EXPECT_EQ(m.elems[6].items.size(), 0u);
  EXPECT_EQ(m.elems[2].offset.instrs[0].bits, 1u);
  EXPECT_FALSE(validate_module(m));

  Bytes bad = section(9, {0x01, 0x08, 0x00});
  EXPECT_EQ(decode(cat({header(), bad}))->message, "malformed elements segment kind");
}

// An element segment's `ref.func N` items are function indices (4 bytes,
// not a ConstExpr each) when N names a function; an unknown one is kept
// whole, with its offset, for the validator's error.
TEST(Decoder, ElementItemsOfKnownFunctionsAreIndices) {
  Bytes types = section(1, {0x01, 0x60, 0x00, 0x00});
  Bytes funcs = section(3, {0x02, 0x00, 0x00});
  Bytes elems = section(9, {0x01, 0x01, 0x00, 0x04, 0x01, 0x00, 0x05, 0x01});  // passive: 1 0 5 1
  Bytes code = section(10, {0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
  Module m;
  ASSERT_FALSE(decode_module(cat({header(), types, funcs, elems, code}), m));
  const ElemSegment& seg = m.elems.at(0);
  ASSERT_EQ(seg.items.size(), 4u);
  EXPECT_EQ(seg.items[0], 1u);
  EXPECT_EQ(seg.items[1], 0u);
  EXPECT_EQ(seg.items[3], 1u);
  ASSERT_EQ(seg.exprs.size(), 1u);
  const ConstExpr* unknown = seg.expr(seg.items[2]);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->instrs.at(0).op, Opcode::RefFunc);
  EXPECT_EQ(unknown->instrs.at(0).index, 5u);
  EXPECT_EQ(unknown->offset, seg.byte_offset + 5);  // flags, kind, count and two items before it
  const std::optional<LoadError> invalid = validate_module(m);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->message, "unknown function 5");
  EXPECT_EQ(invalid->offset, unknown->offset);
}

TEST(Decoder, DataSegmentsAndDataCount) {
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x03,
                            0x00, 0x41, 0x04, 0x0B, 0x02, 'h', 'i',     // active, memory 0
                            0x01, 0x01, 'x',                            // passive
                            0x02, 0x00, 0x41, 0x00, 0x0B, 0x00});       // active, explicit memory
  Module m;
  ASSERT_FALSE(decode_module(cat({header(), memory, data}), m));
  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.datas[0].data_size, 2u);
  EXPECT_EQ(m.bytes[m.datas[0].data_offset], 'h');
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_FALSE(validate_module(m));

  EXPECT_EQ(decode(cat({header(), memory, section(11, {0x01, 0x03})}))->message, "malformed data segment kind");
  EXPECT_EQ(decode(cat({header(), memory, section(12, {0x02}), data}))->message,
            "data count and data section have inconsistent lengths");
  EXPECT_EQ(decode(cat({header(), memory, section(12, {0x01})}))->message,
            "data count and data section have inconsistent lengths");
}

TEST(Decoder, ReadInstrImmediates) {
  // br_table 1 2 0 | block (result f64) | i32.load8_u align=0 offset=16 |
  // i64.const -2 | select (result i32) | memory.init 3
  Bytes code{0x0E, 0x02, 0x01, 0x02, 0x00, 0x02, 0x7C, 0x2D, 0x00, 0x10, 0x42, 0x7E,
             0x1C, 0x01, 0x7F, 0xFC, 0x08, 0x03, 0x00};
  Reader r(code);
  Instr in;
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::BrTable);
  EXPECT_EQ(in.targets, (std::vector<uint32_t>{1, 2, 0}));
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::Block);
  ASSERT_LT(in.block_type, 0);
  EXPECT_EQ(block_value_type(in.block_type), ValType::F64);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::I32Load8U);
  EXPECT_EQ(in.a, 0u);
  EXPECT_EQ(in.b, 16u);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(static_cast<int64_t>(in.imm64), -2);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::SelectT);
  EXPECT_EQ(in.select_types, std::vector<ValType>{ValType::I32});
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::MemoryInit);
  EXPECT_EQ(in.a, 3u);
  EXPECT_EQ(in.offset, 15u);
  EXPECT_TRUE(r.eof());

  Bytes illegal{0xFC, 0x7F};
  Reader r2(illegal);
  auto e = read_instr(r2, in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "illegal opcode fc 127");
  EXPECT_EQ(e->offset, 0u);
}

}  // namespace
}  // namespace mywasm

namespace mywasm {
namespace {

// read_instr_or_throw's inline forms (one-byte opcodes with no immediate,
// a one- or two-byte index, an i32 constant, or a one-byte alignment and
// a one- or two-byte offset) read what read_instr_in_full reads, or leave
// the instruction to it (longer or malformed LEBs, whose errors it
// reports), for every single-byte opcode and immediates of every length.
TEST(Decoder, InlineInstructionFormsMatchTheFullReader) {
  const std::vector<std::vector<uint8_t>> immediates = {
      {},          {0x00}, {0x01}, {0x3F}, {0x40}, {0x7F}, {0x80, 0x01}, {0xFF, 0x00}, {0x00, 0x00},
      {0x02, 0x05}, {0x03, 0x7F}, {0x02, 0x80, 0x01}, {0x7F, 0x40}, {0xFF, 0x7F}, {0x80, 0x80, 0x01},
      {0xC0, 0x40}, {0x03, 0xFF, 0x7F}, {0x02, 0x80, 0x80, 0x01}, {0xFF, 0xFF, 0x7F}, {0x81, 0x80, 0x80, 0x7F},
      {0xFF, 0xFF, 0xFF, 0xFF, 0x07}, {0x80, 0x80, 0x80, 0x80, 0x78}, {0xFF, 0xFF, 0xFF, 0xFF, 0x7F},
      {0x80, 0x80, 0x80, 0x80, 0x08}, {0x80, 0x80, 0x80, 0x80, 0x70}, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}};
  int short_reads = 0;  // instructions of at most 3 bytes: the cases the inline forms take
  for (unsigned byte = 0; byte < 256; ++byte) {
    if (decoder_detail::kOpcodeIndex.single[byte] == decoder_detail::kNotAnOpcode) continue;
    for (const auto& imm : immediates) {
      std::vector<uint8_t> bytes{uint8_t(byte)};
      bytes.insert(bytes.end(), imm.begin(), imm.end());
      bytes.push_back(0x0B);  // room after the instruction, as in a body
      Instr fast, full;
      Reader rf(bytes), rs(bytes);
      bool fast_ok = true, full_ok = true;
      try {
        read_instr_or_throw(rf, fast);
      } catch (const LoadError&) {
        fast_ok = false;
      }
      try {
        decoder_detail::read_instr_in_full(rs, full);
      } catch (const LoadError&) {
        full_ok = false;
      }
      SCOPED_TRACE(testing::Message() << "opcode byte " << byte << ", " << imm.size() << " immediate bytes");
      ASSERT_EQ(fast_ok, full_ok);
      if (!full_ok) continue;
      EXPECT_EQ(fast.op, full.op);
      EXPECT_EQ(fast.offset, full.offset);
      EXPECT_EQ(fast.a, full.a);
      EXPECT_EQ(fast.b, full.b);
      EXPECT_EQ(fast.imm64, full.imm64);
      EXPECT_EQ(rf.pos(), rs.pos());
      short_reads += rs.pos() <= 3;
    }
  }
  EXPECT_GT(short_reads, 1000);
}

}  // namespace
}  // namespace mywasm
