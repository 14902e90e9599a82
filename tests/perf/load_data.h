// fieldbook-loadgen's data (server_load.cc): realistic garages (Chinese and Latin names,
// regions, contacts, notes) written into a rep's replica, and realistic edits of them.
//
// Thread safety: pure functions of their arguments (each thread brings its own generator).
#ifndef FIELDBOOK_TESTS_PERF_LOAD_DATA_H_
#define FIELDBOOK_TESTS_PERF_LOAD_DATA_H_

#include "load_harness.h"

namespace fieldbook::loadgen {

// ---------------------------------------------------------------------------------------------
// Realistic customers: Chinese and Latin names, addresses, contacts and notes of garages.

struct City {
  const char* name;
  const char* province;
  double lat, lon;
  const char* districts[4];
  const char* roads[4];
};

// Each rep works one region; region r is kRegions[r % 4].
inline const City kRegions[4][3] = {
    {{"广州",
      "广东",
      23.13,
      113.26,
      {"天河区", "白云区", "海珠区", "番禺区"},
      {"中山大道", "广州大道北", "工业大道", "迎宾路"}},
     {"佛山",
      "广东",
      23.02,
      113.12,
      {"禅城区", "南海区", "顺德区", "三水区"},
      {"季华路", "佛山大道", "桂澜路", "容桂大道"}},
     {"东莞",
      "广东",
      23.02,
      113.75,
      {"南城区", "东城区", "虎门镇", "长安镇"},
      {"东莞大道", "莞太路", "长安路", "107国道"}}},
    {{"杭州",
      "浙江",
      30.27,
      120.16,
      {"西湖区", "拱墅区", "萧山区", "余杭区"},
      {"文一路", "莫干山路", "通惠路", "临平大道"}},
     {"宁波",
      "浙江",
      29.87,
      121.54,
      {"海曙区", "江北区", "鄞州区", "北仑区"},
      {"环城西路", "北环路", "鄞州大道", "明州路"}},
     {"温州",
      "浙江",
      28.00,
      120.70,
      {"鹿城区", "龙湾区", "瓯海区", "乐清市"},
      {"车站大道", "温州大道", "瓯海大道", "104国道"}}},
    {{"南京",
      "江苏",
      32.06,
      118.80,
      {"玄武区", "秦淮区", "江宁区", "浦口区"},
      {"中山路", "龙蟠路", "双龙大道", "江浦路"}},
     {"苏州",
      "江苏",
      31.30,
      120.59,
      {"姑苏区", "吴中区", "相城区", "工业园区"},
      {"人民路", "东环路", "太湖东路", "星湖街"}},
     {"无锡",
      "江苏",
      31.49,
      120.31,
      {"梁溪区", "锡山区", "惠山区", "滨湖区"},
      {"解放路", "锡沪路", "惠山大道", "蠡湖大道"}}},
    {{"成都",
      "四川",
      30.57,
      104.07,
      {"武侯区", "成华区", "金牛区", "双流区"},
      {"人民南路", "二环路东", "蜀汉路", "机场路"}},
     {"绵阳",
      "四川",
      31.47,
      104.68,
      {"涪城区", "游仙区", "安州区", "江油市"},
      {"临园路", "剑南路", "绵兴路", "九洲大道"}},
     {"德阳",
      "四川",
      31.13,
      104.40,
      {"旌阳区", "广汉市", "什邡市", "绵竹市"},
      {"长江东路", "黄河路", "成绵路", "珠江路"}}},
};

struct Brand {
  const char* hanzi;
  const char* latin;
};
inline const Brand kBrands[] = {
    {"鑫达", "Xinda"},      {"顺通", "Shuntong"},  {"永盛", "Yongsheng"},   {"华隆", "Hualong"},
    {"金桥", "Jinqiao"},    {"宏发", "Hongfa"},    {"恒通", "Hengtong"},    {"利民", "Limin"},
    {"众诚", "Zhongcheng"}, {"安达", "Anda"},      {"骏马", "Junma"},       {"天成", "Tiancheng"},
    {"路路通", "Lulutong"}, {"广源", "Guangyuan"}, {"车之家", "Chezhijia"}, {"诚信", "Chengxin"}};
inline const Brand kKinds[] = {{"汽修厂", "Auto Repair"},       {"汽配商行", "Auto Parts"},
                               {"汽车维修中心", "Car Service"}, {"轮胎店", "Tyres"},
                               {"快修店", "Quick Fix"},         {"钣喷中心", "Body & Paint"}};
inline const Brand kSurnames[] = {{"王", "Wang"}, {"李", "Li"},   {"张", "Zhang"}, {"刘", "Liu"},
                                  {"陈", "Chen"}, {"杨", "Yang"}, {"黄", "Huang"}, {"赵", "Zhao"},
                                  {"吴", "Wu"},   {"周", "Zhou"}, {"徐", "Xu"},    {"孙", "Sun"},
                                  {"马", "Ma"},   {"朱", "Zhu"},  {"胡", "Hu"},    {"郭", "Guo"}};
inline const char* const kLatinNames[] = {"Bright Auto",          "Star Motors",
                                          "Golden Bridge Garage", "Speedy Tyre & Lube",
                                          "Pacific Car Care",     "Eastern Auto Works"};
inline const char* const kTitles[] = {"师傅", "老板", "经理", "总"};
inline const char* const kTags[] = {"brakes,filters", "tyres",     "oil,filters", "batteries",
                                    "bosch,brakes",   "钣喷,油漆", "vip,monthly", "lubricants",
                                    "月结",           ""};
inline const char* const kNotes[] = {
    "prefers Bosch; pays monthly (月结 30 天)",
    "老板周二上午不在，找前台小刘",
    "asks for Mobil 1 samples every visit",
    "竞品：途虎工场店在 500 米外，价格敏感",
    "two lifts, 6 mechanics; mostly Japanese cars",
    "wants delivery before 10:00; 仓库在后院",
    "欠款已结清，可恢复赊账",
    "interested in the new brake pad line (陶瓷片)",
};
inline const char* const kRelationship[] = {"potential", "existing", "vip"};
inline const char* const kStage[] = {"aware", "interested", "deciding", "customer"};
inline const char* const kCustomerType[] = {"garage", "garage", "garage", "dealer", "fleet"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

inline std::string Phone(int rep_index, int i) {
  // Unique per (rep, customer): a mobile number 1[3589]x xxxx xxxx.
  static const char* const kPrefixes[] = {"138", "139", "158", "186", "135", "189"};
  char buf[32];
  const long long serial = static_cast<long long>(rep_index) * 100000 + i;
  std::snprintf(buf, sizeof buf, "%s%08lld", kPrefixes[rep_index % 6], serial % 100000000);
  return buf;
}

// The replicated columns a new customer is written with, in this order (kInsertCustomer binds
// them after the id).
inline constexpr const char* kCustomerColumns[] = {
    "name", "name_latin", "customer_type", "relationship", "purchase_stage", "address",
    "city", "province",   "lat",           "lon",          "phone",          "primary_contact",
    "tags", "notes",      "owner_rep_id",  "created_at"};
inline constexpr size_t kCustomerColumnCount = std::size(kCustomerColumns);

inline constexpr const char* kInsertCustomer =
    "INSERT INTO customers (id, name, name_latin, customer_type, relationship, purchase_stage, "
    "address, city, province, lat, lon, phone, primary_contact, tags, notes, owner_rep_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The values of a realistic new customer (the i-th of rep `rep_index`), as kCustomerColumns.
inline std::vector<Value> NewCustomerValues(const std::string& rep_id, int rep_index, int i,
                                            std::mt19937_64& rng) {
  const City* cities = kRegions[rep_index % 4];
  std::uniform_real_distribution<double> jitter(-0.15, 0.15);
  const City& city = cities[rng() % 3];
  const Brand& surname = Pick(rng, kSurnames);
  const Brand& brand = Pick(rng, kBrands);
  const Brand& kind = Pick(rng, kKinds);
  std::string name, latin;
  if (rng() % 10 == 0) {
    latin = Pick(rng, kLatinNames);
    name = latin + " " + std::to_string(i % 97 + 1);
  } else {
    name = std::string(city.districts[rng() % 4]).substr(0, 6) + surname.hanzi + "记" +
           brand.hanzi + kind.hanzi;
    latin = std::string(surname.latin) + "ji " + brand.latin + " " + kind.latin;
  }
  const std::string address = std::string(city.districts[rng() % 4]) + city.roads[rng() % 4] +
                              std::to_string(rng() % 900 + 1) + "号";
  const std::string contact = rng() % 8 == 0 ? std::string("Mr. ") + surname.latin
                                             : std::string(surname.hanzi) + Pick(rng, kTitles);
  return {name,
          latin,
          std::string(Pick(rng, kCustomerType)),
          std::string(Pick(rng, kRelationship)),
          std::string(Pick(rng, kStage)),
          address,
          std::string(city.name),
          std::string(city.province),
          city.lat + jitter(rng),
          city.lon + jitter(rng),
          Phone(rep_index, i),
          contact,
          std::string(Pick(rng, kTags)),
          std::string(Pick(rng, kNotes)),
          rep_id,
          std::string("2026-11-23T08:00:00Z")};
}

// Inserts `count` new customers owned by `rep_id` into the replica, `per_txn` per transaction.
inline Status AddCustomers(Replica& replica, const std::string& rep_id, int rep_index, int first,
                           int count, std::mt19937_64& rng, std::vector<std::string>* ids,
                           int per_txn = 1000) {
  Db& db = replica.db();
  for (int done = 0; done < count;) {
    FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    for (int j = 0; j < per_txn && done < count; ++j, ++done) {
      const std::vector<Value> values = NewCustomerValues(rep_id, rep_index, first + done, rng);
      const std::string id = replica.ids().Next();
      FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(kInsertCustomer));
      stmt->Bind(1, id);
      for (size_t k = 0; k < values.size(); ++k) stmt->Bind(static_cast<int>(k) + 2, values[k]);
      FB_RETURN_IF_ERROR(stmt->Run());
      if (ids != nullptr) ids->push_back(id);
    }
    FB_RETURN_IF_ERROR(txn->Commit());
  }
  return Status::Ok();
}

// One edit of a random field of a customer, as a rep would make it in the app: `kind` says
// which (0 notes, 1 tags, 2 relationship, 3 purchase stage, 4 primary contact, 5 phone, 6 the
// pin moves by 0.0001, 7 " 后门" appended to the address) and `text` is the new value of 0-5.
struct CustomerEdit {
  int kind = 0;
  const char* column = "";
  std::string text;
};

inline CustomerEdit PickEdit(std::mt19937_64& rng, int rep_index, int n) {
  switch (rng() % 8) {
    case 0:
      return {0, "notes", std::string(Pick(rng, kNotes)) + " (" + std::to_string(n) + ")"};
    case 1:
      return {1, "tags", Pick(rng, kTags)};
    case 2:
      return {2, "relationship", Pick(rng, kRelationship)};
    case 3:
      return {3, "purchase_stage", Pick(rng, kStage)};
    case 4:
      return {4, "primary_contact", std::string(Pick(rng, kSurnames).hanzi) + Pick(rng, kTitles)};
    case 5:
      return {5, "phone", Phone(rep_index, 50000 + n)};
    case 6:
      return {6, "lat", ""};
    default:
      return {7, "address", " 后门"};
  }
}

// One edit (PickEdit) of customer `id` in the replica.
inline Status EditCustomer(Db& db, const std::string& id, std::mt19937_64& rng, int rep_index,
                           int n) {
  const CustomerEdit edit = PickEdit(rng, rep_index, n);
  switch (edit.kind) {
    case 6:
      return Exec(db, "UPDATE customers SET lat = lat + 0.0001, lon = lon - 0.0001 WHERE id = ?",
                  {id});
    case 7:
      return Exec(db, "UPDATE customers SET address = address || ? WHERE id = ?", {edit.text, id});
    default:
      return Exec(db, "UPDATE customers SET " + std::string(edit.column) + " = ? WHERE id = ?",
                  {edit.text, id});
  }
}

// Edits 1..max_rows distinct random customers of `ids` in one transaction.
inline Status EditRandomCustomers(Replica& replica, const std::vector<std::string>& ids,
                                  int max_rows, std::mt19937_64& rng, int rep_index, int& counter) {
  const int rows = 1 + static_cast<int>(rng() % static_cast<uint64_t>(max_rows));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica.db()));
  std::vector<size_t> picked;
  for (int k = 0; k < rows && picked.size() < ids.size(); ++k) {
    size_t idx = rng() % ids.size();
    while (std::find(picked.begin(), picked.end(), idx) != picked.end()) idx = rng() % ids.size();
    picked.push_back(idx);
    FB_RETURN_IF_ERROR(EditCustomer(replica.db(), ids[idx], rng, rep_index, counter++));
  }
  return txn->Commit();
}

}  // namespace fieldbook::loadgen

#endif  // FIELDBOOK_TESTS_PERF_LOAD_DATA_H_
