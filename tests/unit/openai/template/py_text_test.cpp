// Python str semantics used by the Jinja engine. Expected values come from CPython 3.11 (the
// reference): repr() of floats (random doubles included), str.split/rsplit/strip/splitlines/find/
// rfind/count and the case mappings, all on code points.
#include "template/py_text.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace vela::openai::jinja {
namespace {

std::vector<std::string> from_json(const char* text) {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

TEST(PyText, FloatReprMatchesPython) {
    static const struct {
        unsigned long long bits;
        const char* repr;
    } kCases[] = {
        {0x0000000000000000ULL, "0.0"},
        {0x8000000000000000ULL, "-0.0"},
        {0x3ff0000000000000ULL, "1.0"},
        {0xbff8000000000000ULL, "-1.5"},
        {0x3fb999999999999aULL, "0.1"},
        {0x3fc999999999999aULL, "0.2"},
        {0x3fd3333333333334ULL, "0.30000000000000004"},
        {0x4341c37937e08000ULL, "1e+16"},
        {0x430c6bf526340000ULL, "1000000000000000.0"},
        {0x4341c37937e07fffULL, "9999999999999998.0"},
        {0x3f1a36e2eb1c432dULL, "0.0001"},
        {0x3ee4f8b588e368f1ULL, "1e-05"},
        {0x3e8421f5f40d8376ULL, "1.5e-07"},
        {0x419d6f34547df3b6ULL, "123456789.123"},
        {0x3df12e0be826d695ULL, "2.5e-10"},
        {0x54b249ad2594c37dULL, "1e+100"},
        {0x7fefffffffffffffULL, "1.7976931348623157e+308"},
        {0x0000000000000001ULL, "5e-324"},
        {0x0010000000000000ULL, "2.2250738585072014e-308"},
        {0x400921fb54442d18ULL, "3.141592653589793"},
        {0x4059000000000000ULL, "100.0"},
        {0x43e56a95319d63e1ULL, "1.2345678901234567e+19"},
        {0x3fe0000000000000ULL, "0.5"},
        {0x3fd5555555555555ULL, "0.3333333333333333"},
        {0x3fe5555555555555ULL, "0.6666666666666666"},
        {0x1de9ea6670d3da1fULL, "1.4063521386385737e-164"},
        {0x4129157fd98c4362ULL, "821951.9248982484"},
        {0x08f0ebd4950cddd9ULL, "1.3119440445508822e-265"},
        {0x43a74c2b73a202d1ULL, "8.393822683708397e+17"},
        {0xc12d742fcea8b0ffULL, "-965143.9036307632"},
        {0x58994953040e1e30ULL, "6.376549085413052e+118"},
        {0x3fa8cb1baa575a38ULL, "0.04842459158287621"},
        {0xc12357b5690d5ef2ULL, "-633818.7051801367"},
        {0xc12da014e0c80a29ULL, "-970762.4390261817"},
        {0x3a87e3ca4b7bb63dULL, "9.649015609162157e-27"},
        {0x3a86967bf35031edULL, "9.123151411555601e-27"},
        {0x412b2390998d5c65ULL, "889288.2999066232"},
        {0x4123cc76ac960848ULL, "648763.337082156"},
        {0xc1181e1791d5f3a2ULL, "-395141.89241772343"},
        {0x3fc86ee644365862ULL, "0.19088438349416764"},
        {0x45308bd8da179beaULL, "2.0003222266873723e+25"},
        {0x3ffee11a344b8c34ULL, "1.9299566309716853"},
        {0xc11452cf5d0f2796ULL, "-332979.84087812284"},
        {0x6099d795a8486261ULL, "2.2175121912057018e+157"},
        {0xc129dd5814839bc0ULL, "-847532.0400665924"},
        {0x3c2bc9eefa8da25cULL, "7.532170085109946e-19"},
        {0x412ab0ec56ba9b6cULL, "874614.1693924493"},
        {0x879951fff4f991a8ULL, "-4.680507856267191e-272"},
        {0xc117c17a556d4252ULL, "-389214.58342460275"},
        {0xc11b3f8271110da8ULL, "-446432.61041661585"},
        {0x458c3cdb2d665a7bULL, "1.0923938574891393e+27"},
        {0x412bc0fa9f7072d8ULL, "909437.3114047898"},
        {0x412461052d35fb02ULL, "667778.5883024635"},
        {0xc10bc9878befbb04ULL, "-227632.94332834345"},
        {0xc11352a1a8727338ULL, "-316584.4144990924"},
        {0x0b9ab36679d6dedbULL, "9.10474189068058e-253"},
        {0xdec4ac467888fa7aULL, "-3.3042305345942895e+148"},
        {0x2b833e28e1ae6a00ULL, "4.398858138480103e-99"},
        {0x447a76a5947664e1ULL, "7.81063597792481e+21"},
        {0x43c315b5a947be4dULL, "2.750409999778618e+18"},
        {0xc0ff38869ad56688ULL, "-127880.41280117084"},
        {0x40ed19c9128fa800ULL, "59598.28351576626"},
        {0x607741867c362491ULL, "4.9889827605286265e+156"},
        {0x4166c3fba8094805ULL, "11935709.251132974"},
        {0x42bf68c80043ea05ULL, "34534892520426.02"},
        {0x283c4412f6a11b92ULL, "7.1737246620308e-115"},
        {0x3b91d014ac80ae36ULL, "9.43002598504203e-22"},
        {0xb85a4eabfbd67b31ULL, "-3.0924096363471684e-37"},
        {0x412184374e24a754ULL, "573979.652623395"},
        {0x652ea61314180ee8ULL, "2.4839331358017643e+179"},
        {0x4128148f183d9ac0ULL, "789063.547345005"},
        {0x81b81040382a0c2dULL, "-2.2457570334726165e-300"},
        {0xeecda947caf4a2a1ULL, "-5.489543668904872e+225"},
        {0x5125ff0fff977125ULL, "8.34601588197468e+82"},
        {0xc0f31fbad9933198ULL, "-78331.6781188905"},
        {0x42d3798675b69cb9ULL, "85650671327858.89"},
        {0x3ec0efb33ebf75c0ULL, "2.018967725432862e-06"},
        {0x412796389e7b9caaULL, "772892.3095368345"},
        {0x44299f688e72320fULL, "2.3632759465673225e+20"},
        {0x4125e478b126ec2aULL, "717372.3460000802"},
        {0x3bf4bb4d2139d41fULL, "7.024154768971624e-20"},
        {0x4d4142f83408d67fULL, "1.420202055329877e+64"},
        {0xc11201d1c2b4bb42ULL, "-295028.44014256087"},
        {0x4128cef21e126698ULL, "812921.0587341366"},
        {0x55712a5578f190dbULL, "3.844603982702989e+103"},
        {0xc12b955df18a6302ULL, "-903854.9717589321"},
        {0xc125abfde2a0ae94ULL, "-710142.942632156"},
        {0x3bc0daa613596784ULL, "7.137987563407808e-21"},
        {0x411553499660d8a0ULL, "349394.3968538139"},
        {0x3b8ca20b3cae3f87ULL, "7.579087748535256e-22"},
        {0x6eca2ba00a37a0dbULL, "4.8434777493464266e+225"},
        {0xc1156f27f30bf104ULL, "-351177.9873502406"},
        {0x619664f3acb9cf9fULL, "1.2593777432093926e+162"},
        {0xf5c42d3eea4bf216ULL, "-1.938908474375335e+259"},
        {0x4110182ab7632b5cULL, "263690.67908923863"},
        {0xc11619b40671e9eaULL, "-362093.0062939214"},
        {0x4097a8ac5591d6c3ULL, "1514.1682951724367"},
        {0xc11d4221e54a7baaULL, "-479368.47391694284"},
        {0x3d382546a46237daULL, "8.578243595729986e-14"},
        {0x3d33bffb9fd60171ULL, "7.016585795234773e-14"},
        {0x411a656514214cd0ULL, "432473.2696582796"},
        {0x45115ed59a609adcULL, "5.249895415846873e+24"},
        {0xc6e211a03b84edf7ULL, "-2.931838729475275e+33"},
        {0x399edf8a8615186dULL, "3.8054166218576703e-31"},
        {0xc109a314725e15e4ULL, "-210018.55584351637"},
        {0x3fe5d9779b4f83b6ULL, "0.6827962907228684"},
        {0x410f5999354693f0ULL, "256819.15101352287"},
        {0x410656eaf22feae0ULL, "183005.36825545784"},
        {0x3bb05cb583b37ca0ULL, "3.46481891021639e-21"},
        {0x3fb7ccb3f1d15358ULL, "0.0929672685027304"},
        {0xa8eb7bd679740d27ULL, "-1.4285237671729515e-111"},
        {0x41220b09d484b730ULL, "591236.9150750395"},
        {0x39e4442480a99cd8ULL, "7.993599333145529e-30"},
        {0x4121f2b18fa0f396ULL, "588120.7805248376"},
        {0xc125f8b95e93c7c0ULL, "-719964.684721224"},
        {0x54ef7f9596885018ULL, "1.3778969270460624e+101"},
        {0xc0c16b36c0eaa2d1ULL, "-8918.427762345791"},
        {0xae78c1bd4c7253d9ULL, "-7.964814158751449e-85"},
        {0x4610b0bbc7500538ULL, "3.305867430780249e+29"},
        {0x31cf194d9001f909ULL, "9.011875602976197e-69"},
        {0x3a828eefe277f532ULL, "7.495657002853949e-27"},
        {0x3e04b10a35a8bd07ULL, "6.022037133872586e-10"},
        {0x3fb765c1943a369cULL, "0.09139642590363412"},
        {0x411fb2c2c801a700ULL, "519344.6953188032"},
        {0x4472934492e78269ULL, "5.482450583548587e+21"},
        {0xc10f47e4521d896cULL, "-256252.54009539948"},
        {0x099007476500aee5ULL, "1.2725500130797888e-262"},
        {0x3c2042c3ae0a54a4ULL, "4.407498220961304e-19"},
        {0x408ef5488c510234ULL, "990.6604238823697"},
        {0x4128f28843332a1cULL, "817476.1312497291"},
        {0xc273e2f2d814ac0fULL, "-1366591111498.7537"},
        {0xb2b5667042ecbec0ULL, "-2.032065785896525e-64"},
        {0x3e38e7200b646043ULL, "5.7981425687372e-09"},
        {0x4441b414e8d63d99ULL, "6.531418033725554e+20"},
        {0x4104c397b900a6b8ULL, "170098.9653332734"},
        {0x299bd8fd3ac77737ULL, "2.964350548868213e-108"},
        {0x4298eb0d9d7c6549ULL, "6849456201497.321"},
        {0xe0bac50623d3057cULL, "-9.188402931857842e+157"},
        {0x3b876aef82f63672ULL, "6.198618119078442e-22"},
        {0x42d31570750a6a96ULL, "83931207838122.34"},
        {0x40c91fa14210c140ULL, "12863.259828657494"},
        {0x44e479170cf86591ULL, "7.734483733263157e+23"},
        {0xb54e626521010857ULL, "-6.344549484346824e-52"},
        {0x88fb155490f09198ULL, "-2.0998378527069536e-265"},
        {0x3a1ac150d6f22c3aULL, "8.442433509702813e-29"},
        {0x412a3a6cbbfc8894ULL, "859446.3671610528"},
        {0x688c85adad05c8ebULL, "4.1641842758065756e+195"},
        {0x9ca935439aa2835fULL, "-1.3045836742782717e-170"},
        {0xc1209b33f549347cULL, "-544153.979074135"},
        {0xf0954d9a589faaa2ULL, "-2.1167042983589573e+234"},
        {0xc4e4fec9b065bb30ULL, "-7.931786870397383e+23"},
        {0xc0cc2e13b568b480ULL, "-14428.153973663459"},
        {0xc0f95a8b6ab06d70ULL, "-103848.71354716062"},
        {0xc1193f9f9e1d630cULL, "-413671.90440897713"},
        {0x7c74761225dc6184ULL, "3.190415352442435e+291"},
        {0x42cd982e18febf2cULL, "65078891249022.34"},
        {0xdd3fe3e707a11010ULL, "-1.5190631550509138e+141"},
        {0x5f14d3fb97683f68ULL, "1.0652870086899479e+150"},
        {0x39ae4997536930f8ULL, "7.46643665390051e-31"},
        {0xc12286f9ee9e7124ULL, "-607100.9660525662"},
        {0x8c2e01c79ed3f472ULL, "-5.238844388270986e-250"},
        {0xf867198d80799b64ULL, "-9.762804915568535e+271"},
        {0x4129091864502454ULL, "820364.1959239342"},
        {0x45799880e1abaf62ULL, "4.9509316224459304e+26"},
        {0x4329b08f49a59636ULL, "3615501940083483.0"},
        {0xc1093b1c74d4ee28ULL, "-206691.5570467573"},
        {0x4907786d3bf292bfULL, "6.542597304249674e+43"},
        {0xc116db951df38330ULL, "-374501.2792492388"},
        {0x8b523b231ed75a64ULL, "-3.8853868860497684e-254"},
        {0x40c0e5629126998cULL, "8650.770054650282"},
        {0x3be5ce50a6b3082dULL, "3.694066221803155e-20"},
        {0xc110bdc69ed68536ULL, "-274289.6551152052"},
        {0xb1e360a7b64f0211ULL, "-2.246105041889892e-68"},
        {0x45ad863ee5923de4ULL, "4.568679183105764e+27"},
        {0xc12e520820c34991ULL, "-993540.0639899244"},
    };
    for (const auto& c : kCases) {
        double value = 0;
        std::memcpy(&value, &c.bits, sizeof value);
        EXPECT_EQ(py_repr_float(value), c.repr) << std::hex << c.bits;
    }
    EXPECT_EQ(py_repr_float(1.0 / 0.0), "inf");
    EXPECT_EQ(py_repr_float(-1.0 / 0.0), "-inf");
}

TEST(PyText, SplitAndRsplitMatchPython) {
    static const struct {
        const char* text;
        const char* sep;
        int max_split;
        const char* split;
        const char* rsplit;
    } kCases[] = {
        {R"J(  a b  c  )J", nullptr, -1, R"J(["a", "b", "c"])J", R"J(["a", "b", "c"])J"},
        {R"J(  a b  c  )J", nullptr, 0, R"J(["a b  c  "])J", R"J(["  a b  c"])J"},
        {R"J(  a b  c  )J", nullptr, 1, R"J(["a", "b  c  "])J", R"J(["  a b", "c"])J"},
        {R"J(  a b  c  )J", nullptr, 2, R"J(["a", "b", "c  "])J", R"J(["  a", "b", "c"])J"},
        {R"J(  a b  c  )J", R"J(,)J", -1, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(,)J", 0, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(,)J", 1, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(,)J", 2, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J( )J", -1, R"J(["", "", "a", "b", "", "c", "", ""])J",
         R"J(["", "", "a", "b", "", "c", "", ""])J"},
        {R"J(  a b  c  )J", R"J( )J", 0, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J( )J", 1, R"J(["", " a b  c  "])J", R"J(["  a b  c ", ""])J"},
        {R"J(  a b  c  )J", R"J( )J", 2, R"J(["", "", "a b  c  "])J", R"J(["  a b  c", "", ""])J"},
        {R"J(  a b  c  )J", R"J(</think>)J", -1, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(</think>)J", 0, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(</think>)J", 1, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(  a b  c  )J", R"J(</think>)J", 2, R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(a,b,,c)J", nullptr, -1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", nullptr, 0, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", nullptr, 1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", nullptr, 2, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(,)J", -1, R"J(["a", "b", "", "c"])J", R"J(["a", "b", "", "c"])J"},
        {R"J(a,b,,c)J", R"J(,)J", 0, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(,)J", 1, R"J(["a", "b,,c"])J", R"J(["a,b,", "c"])J"},
        {R"J(a,b,,c)J", R"J(,)J", 2, R"J(["a", "b", ",c"])J", R"J(["a,b", "", "c"])J"},
        {R"J(a,b,,c)J", R"J( )J", -1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J( )J", 0, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J( )J", 1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J( )J", 2, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(</think>)J", -1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(</think>)J", 0, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(</think>)J", 1, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J(a,b,,c)J", R"J(</think>)J", 2, R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J()J", nullptr, -1, R"J([])J", R"J([])J"},
        {R"J()J", nullptr, 0, R"J([])J", R"J([])J"},
        {R"J()J", nullptr, 1, R"J([])J", R"J([])J"},
        {R"J()J", nullptr, 2, R"J([])J", R"J([])J"},
        {R"J()J", R"J(,)J", -1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(,)J", 0, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(,)J", 1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(,)J", 2, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J( )J", -1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J( )J", 0, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J( )J", 1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J( )J", 2, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(</think>)J", -1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(</think>)J", 0, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(</think>)J", 1, R"J([""])J", R"J([""])J"},
        {R"J()J", R"J(</think>)J", 2, R"J([""])J", R"J([""])J"},
        {R"J(	
 x　y )J",
         nullptr, -1, R"J(["x", "y"])J", R"J(["x", "y"])J"},
        {R"J(	
 x　y )J",
         nullptr, 0, R"J(["x　y "])J", R"J(["\t\n x　y"])J"},
        {R"J(	
 x　y )J",
         nullptr, 1, R"J(["x", "y "])J", R"J(["\t\n x", "y"])J"},
        {R"J(	
 x　y )J",
         nullptr, 2, R"J(["x", "y"])J", R"J(["x", "y"])J"},
        {R"J(	
 x　y )J",
         R"J(,)J", -1, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(,)J", 0, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(,)J", 1, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(,)J", 2, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J( )J", -1, R"J(["\t\n", "x　y "])J", R"J(["\t\n", "x　y "])J"},
        {R"J(	
 x　y )J",
         R"J( )J", 0, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J( )J", 1, R"J(["\t\n", "x　y "])J", R"J(["\t\n", "x　y "])J"},
        {R"J(	
 x　y )J",
         R"J( )J", 2, R"J(["\t\n", "x　y "])J", R"J(["\t\n", "x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(</think>)J", -1, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(</think>)J", 0, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(</think>)J", 1, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(	
 x　y )J",
         R"J(</think>)J", 2, R"J(["\t\n x　y "])J", R"J(["\t\n x　y "])J"},
        {R"J(héllo wörld  )J", nullptr, -1, R"J(["héllo", "wörld"])J", R"J(["héllo", "wörld"])J"},
        {R"J(héllo wörld  )J", nullptr, 0, R"J(["héllo wörld  "])J", R"J(["héllo wörld"])J"},
        {R"J(héllo wörld  )J", nullptr, 1, R"J(["héllo", "wörld  "])J", R"J(["héllo", "wörld"])J"},
        {R"J(héllo wörld  )J", nullptr, 2, R"J(["héllo", "wörld"])J", R"J(["héllo", "wörld"])J"},
        {R"J(héllo wörld  )J", R"J(,)J", -1, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(,)J", 0, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(,)J", 1, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(,)J", 2, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J( )J", -1, R"J(["héllo", "wörld", "", ""])J",
         R"J(["héllo", "wörld", "", ""])J"},
        {R"J(héllo wörld  )J", R"J( )J", 0, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J( )J", 1, R"J(["héllo", "wörld  "])J", R"J(["héllo wörld ", ""])J"},
        {R"J(héllo wörld  )J", R"J( )J", 2, R"J(["héllo", "wörld", " "])J", R"J(["héllo wörld", "", ""])J"},
        {R"J(héllo wörld  )J", R"J(</think>)J", -1, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(</think>)J", 0, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(</think>)J", 1, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {R"J(héllo wörld  )J", R"J(</think>)J", 2, R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {"one\ntwo\015\nthree\015four\013five\034", nullptr, -1,
         R"J(["one", "two", "three", "four", "five"])J", R"J(["one", "two", "three", "four", "five"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", nullptr, 0,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J", R"J(["one\ntwo\r\nthree\rfour\u000bfive"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", nullptr, 1,
         R"J(["one", "two\r\nthree\rfour\u000bfive\u001c"])J", R"J(["one\ntwo\r\nthree\rfour", "five"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", nullptr, 2,
         R"J(["one", "two", "three\rfour\u000bfive\u001c"])J", R"J(["one\ntwo\r\nthree", "four", "five"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(,)J", -1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(,)J", 0,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(,)J", 1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(,)J", 2,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J( )J", -1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J( )J", 0,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J( )J", 1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J( )J", 2,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(</think>)J", -1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(</think>)J", 0,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(</think>)J", 1,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(</think>)J", 2,
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J",
         R"J(["one\ntwo\r\nthree\rfour\u000bfive\u001c"])J"},
        {R"J(x</think>y</think>z)J", nullptr, -1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", nullptr, 0, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", nullptr, 1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", nullptr, 2, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(,)J", -1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(,)J", 0, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(,)J", 1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(,)J", 2, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J( )J", -1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J( )J", 0, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J( )J", 1, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J( )J", 2, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(</think>)J", -1, R"J(["x", "y", "z"])J", R"J(["x", "y", "z"])J"},
        {R"J(x</think>y</think>z)J", R"J(</think>)J", 0, R"J(["x</think>y</think>z"])J",
         R"J(["x</think>y</think>z"])J"},
        {R"J(x</think>y</think>z)J", R"J(</think>)J", 1, R"J(["x", "y</think>z"])J",
         R"J(["x</think>y", "z"])J"},
        {R"J(x</think>y</think>z)J", R"J(</think>)J", 2, R"J(["x", "y", "z"])J", R"J(["x", "y", "z"])J"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(std::string(c.text) + " sep=" + (c.sep ? c.sep : "None") +
                     " max=" + std::to_string(c.max_split));
        const std::string sep = c.sep ? c.sep : "";
        EXPECT_EQ(py_split(c.text, c.sep ? &sep : nullptr, c.max_split), from_json(c.split));
        EXPECT_EQ(py_rsplit(c.text, c.sep ? &sep : nullptr, c.max_split), from_json(c.rsplit));
    }
}

TEST(PyText, StripMatchesPython) {
    static const struct {
        const char* text;
        const char* chars;
        const char* strip;
        const char* lstrip;
        const char* rstrip;
    } kCases[] = {
        {R"J(  a b  c  )J", nullptr, R"J(a b  c)J", R"J(a b  c  )J", R"J(  a b  c)J"},
        {R"J(  a b  c  )J", R"J(x)J", R"J(  a b  c  )J", R"J(  a b  c  )J", R"J(  a b  c  )J"},
        {R"J(  a b  c  )J", R"J(<>)J", R"J(  a b  c  )J", R"J(  a b  c  )J", R"J(  a b  c  )J"},
        {R"J(  a b  c  )J", R"J(
)J",
         R"J(  a b  c  )J", R"J(  a b  c  )J", R"J(  a b  c  )J"},
        {R"J(  a b  c  )J", R"J( a)J", R"J(b  c)J", R"J(b  c  )J", R"J(  a b  c)J"},
        {R"J(a,b,,c)J", nullptr, R"J(a,b,,c)J", R"J(a,b,,c)J", R"J(a,b,,c)J"},
        {R"J(a,b,,c)J", R"J(x)J", R"J(a,b,,c)J", R"J(a,b,,c)J", R"J(a,b,,c)J"},
        {R"J(a,b,,c)J", R"J(<>)J", R"J(a,b,,c)J", R"J(a,b,,c)J", R"J(a,b,,c)J"},
        {R"J(a,b,,c)J", R"J(
)J",
         R"J(a,b,,c)J", R"J(a,b,,c)J", R"J(a,b,,c)J"},
        {R"J(a,b,,c)J", R"J( a)J", R"J(,b,,c)J", R"J(,b,,c)J", R"J(a,b,,c)J"},
        {R"J()J", nullptr, R"J()J", R"J()J", R"J()J"},
        {R"J()J", R"J(x)J", R"J()J", R"J()J", R"J()J"},
        {R"J()J", R"J(<>)J", R"J()J", R"J()J", R"J()J"},
        {R"J()J", R"J(
)J",
         R"J()J", R"J()J", R"J()J"},
        {R"J()J", R"J( a)J", R"J()J", R"J()J", R"J()J"},
        {R"J(	
 x　y )J",
         nullptr, R"J(x　y)J", R"J(x　y )J", R"J(	
 x　y)J"},
        {R"J(	
 x　y )J",
         R"J(x)J", R"J(	
 x　y )J",
         R"J(	
 x　y )J",
         R"J(	
 x　y )J"},
        {R"J(	
 x　y )J",
         R"J(<>)J", R"J(	
 x　y )J",
         R"J(	
 x　y )J",
         R"J(	
 x　y )J"},
        {R"J(	
 x　y )J",
         R"J(
)J",
         R"J(	
 x　y )J",
         R"J(	
 x　y )J",
         R"J(	
 x　y )J"},
        {R"J(	
 x　y )J",
         R"J( a)J", R"J(	
 x　y )J",
         R"J(	
 x　y )J",
         R"J(	
 x　y )J"},
        {R"J(héllo wörld  )J", nullptr, R"J(héllo wörld)J", R"J(héllo wörld  )J", R"J(héllo wörld)J"},
        {R"J(héllo wörld  )J", R"J(x)J", R"J(héllo wörld  )J", R"J(héllo wörld  )J", R"J(héllo wörld  )J"},
        {R"J(héllo wörld  )J", R"J(<>)J", R"J(héllo wörld  )J", R"J(héllo wörld  )J", R"J(héllo wörld  )J"},
        {R"J(héllo wörld  )J", R"J(
)J",
         R"J(héllo wörld  )J", R"J(héllo wörld  )J", R"J(héllo wörld  )J"},
        {R"J(héllo wörld  )J", R"J( a)J", R"J(héllo wörld)J", R"J(héllo wörld  )J", R"J(héllo wörld)J"},
        {"one\ntwo\015\nthree\015four\013five\034", nullptr, "one\ntwo\015\nthree\015four\013five",
         "one\ntwo\015\nthree\015four\013five\034", "one\ntwo\015\nthree\015four\013five"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(x)J", "one\ntwo\015\nthree\015four\013five\034",
         "one\ntwo\015\nthree\015four\013five\034", "one\ntwo\015\nthree\015four\013five\034"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(<>)J", "one\ntwo\015\nthree\015four\013five\034",
         "one\ntwo\015\nthree\015four\013five\034", "one\ntwo\015\nthree\015four\013five\034"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(
)J",
         "one\ntwo\015\nthree\015four\013five\034", "one\ntwo\015\nthree\015four\013five\034",
         "one\ntwo\015\nthree\015four\013five\034"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J( a)J", "one\ntwo\015\nthree\015four\013five\034",
         "one\ntwo\015\nthree\015four\013five\034", "one\ntwo\015\nthree\015four\013five\034"},
        {R"J(x</think>y</think>z)J", nullptr, R"J(x</think>y</think>z)J", R"J(x</think>y</think>z)J",
         R"J(x</think>y</think>z)J"},
        {R"J(x</think>y</think>z)J", R"J(x)J", R"J(</think>y</think>z)J", R"J(</think>y</think>z)J",
         R"J(x</think>y</think>z)J"},
        {R"J(x</think>y</think>z)J", R"J(<>)J", R"J(x</think>y</think>z)J", R"J(x</think>y</think>z)J",
         R"J(x</think>y</think>z)J"},
        {R"J(x</think>y</think>z)J", R"J(
)J",
         R"J(x</think>y</think>z)J", R"J(x</think>y</think>z)J", R"J(x</think>y</think>z)J"},
        {R"J(x</think>y</think>z)J", R"J( a)J", R"J(x</think>y</think>z)J", R"J(x</think>y</think>z)J",
         R"J(x</think>y</think>z)J"},
        {R"J(xxhixx)J", nullptr, R"J(xxhixx)J", R"J(xxhixx)J", R"J(xxhixx)J"},
        {R"J(xxhixx)J", R"J(x)J", R"J(hi)J", R"J(hixx)J", R"J(xxhi)J"},
        {R"J(xxhixx)J", R"J(<>)J", R"J(xxhixx)J", R"J(xxhixx)J", R"J(xxhixx)J"},
        {R"J(xxhixx)J", R"J(
)J",
         R"J(xxhixx)J", R"J(xxhixx)J", R"J(xxhixx)J"},
        {R"J(xxhixx)J", R"J( a)J", R"J(xxhixx)J", R"J(xxhixx)J", R"J(xxhixx)J"},
        {R"J(<>a<>)J", nullptr, R"J(<>a<>)J", R"J(<>a<>)J", R"J(<>a<>)J"},
        {R"J(<>a<>)J", R"J(x)J", R"J(<>a<>)J", R"J(<>a<>)J", R"J(<>a<>)J"},
        {R"J(<>a<>)J", R"J(<>)J", R"J(a)J", R"J(a<>)J", R"J(<>a)J"},
        {R"J(<>a<>)J", R"J(
)J",
         R"J(<>a<>)J", R"J(<>a<>)J", R"J(<>a<>)J"},
        {R"J(<>a<>)J", R"J( a)J", R"J(<>a<>)J", R"J(<>a<>)J", R"J(<>a<>)J"},
        {R"J(

a
)J",
         nullptr, R"J(a)J", R"J(a
)J",
         R"J(

a)J"},
        {R"J(

a
)J",
         R"J(x)J", R"J(

a
)J",
         R"J(

a
)J",
         R"J(

a
)J"},
        {R"J(

a
)J",
         R"J(<>)J", R"J(

a
)J",
         R"J(

a
)J",
         R"J(

a
)J"},
        {R"J(

a
)J",
         R"J(
)J",
         R"J(a)J", R"J(a
)J",
         R"J(

a)J"},
        {R"J(

a
)J",
         R"J( a)J", R"J(

a
)J",
         R"J(

a
)J",
         R"J(

a
)J"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.text);
        const std::string chars = c.chars ? c.chars : "";
        const std::string* set = c.chars ? &chars : nullptr;
        EXPECT_EQ(py_strip(c.text, set, true, true), c.strip);
        EXPECT_EQ(py_strip(c.text, set, true, false), c.lstrip);
        EXPECT_EQ(py_strip(c.text, set, false, true), c.rstrip);
    }
}

TEST(PyText, SplitlinesMatchesPython) {
    static const struct {
        const char* text;
        const char* lines;
        const char* lines_kept;
    } kCases[] = {
        {R"J(  a b  c  )J", R"J(["  a b  c  "])J", R"J(["  a b  c  "])J"},
        {R"J(a,b,,c)J", R"J(["a,b,,c"])J", R"J(["a,b,,c"])J"},
        {R"J()J", R"J([])J", R"J([])J"},
        {R"J(	
 x　y )J",
         R"J(["\t", " x　y "])J", R"J(["\t\n", " x　y "])J"},
        {R"J(héllo wörld  )J", R"J(["héllo wörld  "])J", R"J(["héllo wörld  "])J"},
        {"one\ntwo\015\nthree\015four\013five\034", R"J(["one", "two", "three", "four", "five"])J",
         R"J(["one\n", "two\r\n", "three\r", "four\u000b", "five\u001c"])J"},
        {R"J(x</think>y</think>z)J", R"J(["x</think>y</think>z"])J", R"J(["x</think>y</think>z"])J"},
        {R"J(a
)J",
         R"J(["a"])J", R"J(["a\n"])J"},
        {R"J(
)J",
         R"J([""])J", R"J(["\n"])J"},
        {R"J(a

b cd)J",
         R"J(["a", "", "b", "c", "d"])J", R"J(["a\n", "\n", "b ", "c", "d"])J"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(py_splitlines(c.text, false), from_json(c.lines));
        EXPECT_EQ(py_splitlines(c.text, true), from_json(c.lines_kept));
    }
}

TEST(PyText, FindRfindCountUseCodePoints) {
    static const struct {
        const char* text;
        const char* needle;
        long long start;
        long long end;
        long long find;
        long long rfind;
        long long count;
    } kCases[] = {
        {R"J(hello)J", R"J(l)J", 0, 4611686018427387904, 2, 3, 2},
        {R"J(hello)J", R"J(l)J", 1, 4611686018427387904, 2, 3, 2},
        {R"J(hello)J", R"J(l)J", -3, 4611686018427387904, 2, 3, 2},
        {R"J(hello)J", R"J(l)J", 0, -1, 2, 3, 2},
        {R"J(hello)J", R"J(l)J", 2, 1, -1, -1, 0},
        {R"J(hello)J", R"J(l)J", 5, 4611686018427387904, -1, -1, 0},
        {R"J(héllo wörld)J", R"J(ö)J", 0, 4611686018427387904, 7, 7, 1},
        {R"J(héllo wörld)J", R"J(ö)J", 1, 4611686018427387904, 7, 7, 1},
        {R"J(héllo wörld)J", R"J(ö)J", -3, 4611686018427387904, -1, -1, 0},
        {R"J(héllo wörld)J", R"J(ö)J", 0, -1, 7, 7, 1},
        {R"J(héllo wörld)J", R"J(ö)J", 2, 1, -1, -1, 0},
        {R"J(héllo wörld)J", R"J(ö)J", 5, 4611686018427387904, 7, 7, 1},
        {R"J(banana)J", R"J(an)J", 0, 4611686018427387904, 1, 3, 2},
        {R"J(banana)J", R"J(an)J", 1, 4611686018427387904, 1, 3, 2},
        {R"J(banana)J", R"J(an)J", -3, 4611686018427387904, 3, 3, 1},
        {R"J(banana)J", R"J(an)J", 0, -1, 1, 3, 2},
        {R"J(banana)J", R"J(an)J", 2, 1, -1, -1, 0},
        {R"J(banana)J", R"J(an)J", 5, 4611686018427387904, -1, -1, 0},
        {R"J(abc)J", R"J()J", 0, 4611686018427387904, 0, 3, 4},
        {R"J(abc)J", R"J()J", 1, 4611686018427387904, 1, 3, 3},
        {R"J(abc)J", R"J()J", -3, 4611686018427387904, 0, 3, 4},
        {R"J(abc)J", R"J()J", 0, -1, 0, 2, 3},
        {R"J(abc)J", R"J()J", 2, 1, -1, -1, 0},
        {R"J(abc)J", R"J()J", 5, 4611686018427387904, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", 0, 4611686018427387904, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", 1, 4611686018427387904, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", -3, 4611686018427387904, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", 0, -1, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", 2, 1, -1, -1, 0},
        {R"J(abc)J", R"J(z)J", 5, 4611686018427387904, -1, -1, 0},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(std::string(c.text) + " / " + c.needle + " " + std::to_string(c.start) + ":" +
                     std::to_string(c.end));
        EXPECT_EQ(py_find(c.text, c.needle, c.start, c.end, false), c.find);
        EXPECT_EQ(py_find(c.text, c.needle, c.start, c.end, true), c.rfind);
        EXPECT_EQ(py_count(c.text, c.needle, c.start, c.end), c.count);
    }
}

TEST(PyText, CaseMappingsMatchPython) {
    // Full case mappings that change length (German sharp s -> "SS") are out of scope: vela maps
    // one code point to one, so those rows compare against the single-code-point result.
    static const struct {
        const char* text;
        const char* lower;
        const char* upper;
        const char* title;
        const char* capitalize;
    } kCases[] = {
        {R"J(hello world)J", R"J(hello world)J", R"J(HELLO WORLD)J", R"J(Hello World)J", R"J(Hello world)J"},
        {R"J(they're bill's friends)J", R"J(they're bill's friends)J", R"J(THEY'RE BILL'S FRIENDS)J",
         R"J(They'Re Bill'S Friends)J", R"J(They're bill's friends)J"},
        {R"J(HELLO wORLD)J", R"J(hello world)J", R"J(HELLO WORLD)J", R"J(Hello World)J", R"J(Hello world)J"},
        {R"J(éCOLE Ωmega ǆ)J", R"J(école ωmega ǆ)J", R"J(ÉCOLE ΩMEGA Ǆ)J", R"J(École Ωmega ǅ)J",
         R"J(École ωmega ǆ)J"},
        {R"J(  mixed_CASE-words 123abc)J", R"J(  mixed_case-words 123abc)J", R"J(  MIXED_CASE-WORDS 123ABC)J",
         R"J(  Mixed_Case-Words 123Abc)J", R"J(  mixed_case-words 123abc)J"},
        {R"J(ǅemal)J", R"J(ǆemal)J", R"J(ǄEMAL)J", R"J(ǅemal)J", R"J(ǅemal)J"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(py_lower(c.text), c.lower);
        EXPECT_EQ(py_upper(c.text), c.upper);
        EXPECT_EQ(py_title(c.text), c.title);
        EXPECT_EQ(py_capitalize(c.text), c.capitalize);
    }
}

TEST(PyText, StringReprMatchesPython) {
    static const struct {
        const char* text;
        const char* repr;
    } kCases[] = {
        {R"J(it's)J", R"J("it's")J"},
        {R"J(say "hi")J", R"J('say "hi"')J"},
        {R"J(both ' ")J", R"J('both \' "')J"},
        {R"J(tab	nl
back\)J",
         R"J('tab\tnl\nback\\')J"},
        {"\001\177\302\200\302\237\302\255", R"J('\x01\x7f\x80\x9f\xad')J"},
        {R"J(é世🎉)J", R"J('é世🎉')J"},
        {R"J(​ 　 )J", R"J('\u200b\xa0\u3000\u2028')J"},
        {R"J()J", R"J('')J"},
        {R"J(plain)J", R"J('plain')J"},
    };
    for (const auto& c : kCases)
        EXPECT_EQ(py_repr_string(c.text), c.repr);
}

TEST(PyText, SliceIndicesFollowPythonRules) {
    const int64_t minus_one = -1;
    const int64_t two = 2;
    const int64_t minus_two = -2;
    EXPECT_EQ(py_slice_indices(5, nullptr, nullptr, -1), (std::vector<int64_t>{4, 3, 2, 1, 0}));
    EXPECT_EQ(py_slice_indices(5, &minus_two, nullptr, 1), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(py_slice_indices(5, nullptr, &minus_one, 2), (std::vector<int64_t>{0, 2}));
    EXPECT_EQ(py_slice_indices(5, &two, &two, 1), (std::vector<int64_t>{}));
    EXPECT_EQ(py_slice_indices(3, &minus_one, &minus_two, -1), (std::vector<int64_t>{2}));
}

TEST(PyText, Utf8DecodingReplacesInvalidBytes) {
    const std::string bad = "a\xff\xc3";
    size_t pos = 0;
    EXPECT_EQ(decode_utf8(bad, pos), U'a');
    EXPECT_EQ(decode_utf8(bad, pos), char32_t{0xFFFD});
    EXPECT_EQ(decode_utf8(bad, pos), char32_t{0xFFFD});
    EXPECT_EQ(pos, bad.size());
    EXPECT_EQ(count_code_points("h\xc3\xa9llo"), 5u);
}

}  // namespace
}  // namespace vela::openai::jinja
