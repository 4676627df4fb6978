import re

from odoo import api, fields, models
from pypinyin import lazy_pinyin

# the endings of Chinese division names that IP databases often leave out ("吉林" for 吉林省)
_SUFFIXES = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|盟)$")
# provinces by the English names IP databases give them, letters only (their Chinese state
# codes in Odoo): pinyin would confuse 山西 (Shanxi) with 陕西 (Shaanxi), and some are not pinyin
_ENGLISH_PROVINCES = {
    "beijing": "BJ", "shanghai": "SH", "zhejiang": "ZJ", "tianjin": "TJ", "anhui": "AH", "fujian": "FJ",
    "chongqing": "CQ", "jiangxi": "JX", "shandong": "SD", "henan": "HA", "innermongolia": "NM", "neimongol": "NM",
    "neimenggu": "NM", "hubei": "HB", "xinjiang": "XJ", "hunan": "HN", "ningxia": "NX", "guangdong": "GD",
    "tibet": "XZ", "xizang": "XZ", "hainan": "HI", "guangxi": "GX", "sichuan": "SC", "hebei": "HE",
    "guizhou": "GZ", "shanxi": "SX", "yunnan": "YN", "liaoning": "LN", "shaanxi": "SN", "jilin": "JL",
    "gansu": "GS", "heilongjiang": "HL", "qinghai": "QH", "jiangsu": "JS", "taiwan": "TW", "hongkong": "HK",
    "macau": "MO", "macao": "MO",
}
# what English and pinyin names end with besides the place's own name
_LATIN_ENDINGS = re.compile(
    r"(specialadministrativeregion|autonomousregion|autonomousprefecture|municipality|province|prefecture|city"
    r"|zizhiqu|zizhizhou|sheng|diqu|shi|sar)$")


def _core(name):
    return _SUFFIXES.sub("", (name or "").strip())


def _latin(name):
    """``name`` in lower-case letters only, as it is and without the endings above ("Lu'an Shi":
    "luanshi", "luan"; "Huangshi": "huangshi", "huang"); empty for a name in Chinese."""
    letters = re.sub(r"[^a-z]", "", (name or "").lower())
    return (letters, _LATIN_ENDINGS.sub("", letters) or letters) if letters else ()


class TraceGeoipPlace(models.Model):
    """The province and city (prefecture) that a place recorded with a consumer verification
    stands for: the IP database gives names ("吉林", "长春"; in English where the reader's browser
    asked for English), diversion checks compare records. One row per distinct pair of names,
    resolved once; a name that matches no division, or more than one, stays unresolved (the
    city) or unplaced (the province) rather than a guess. English city names are matched with
    the pinyin of the Chinese ones (``pypinyin``), within their province ("Suzhou" is 苏州 in
    Jiangsu and 宿州 in Anhui)."""

    _name = "trace.geoip.place"
    _description = "Place Named by the IP Database"
    _log_access = False

    province = fields.Char(required=True, readonly=True)
    city = fields.Char(required=True, readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    prefecture_id = fields.Many2one("trace.prefecture", string="City", readonly=True)

    _sql_constraints = [("names_uniq", "unique(province, city)", "This place is resolved already.")]

    @api.model
    def _trace_resolve_new(self, company, since):
        """Resolve the pairs of names of ``company``'s consumer verifications since ``since``
        that are not resolved yet (a grouped query; a few hundred pairs in all)."""
        cr = self.env.cr
        cr.execute(
            """SELECT DISTINCT coalesce(v.province, ''), coalesce(v.city, '') FROM trace_verification v
                WHERE v.audience = 'consumer' AND v.company_id = %s AND v.verify_date >= %s
                  AND (v.province IS NOT NULL OR v.city IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM trace_geoip_place p
                                   WHERE p.province = coalesce(v.province, '') AND p.city = coalesce(v.city, ''))""",
            [company.id, since],
        )
        pairs = cr.fetchall()
        if not pairs:
            return
        resolved = self._trace_resolve(pairs)
        cr.execute(
            """INSERT INTO trace_geoip_place (province, city, state_id, prefecture_id)
               SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::integer[], %s::integer[])
               ON CONFLICT DO NOTHING""",
            [[p for p, _c in pairs], [c for _p, c in pairs], [resolved[pair][0] for pair in pairs],
             [resolved[pair][1] for pair in pairs]],
        )

    @api.model
    def _trace_resolve(self, pairs):
        """``{(province, city): (state id or None, prefecture id or None)}`` for name pairs."""
        china = self.env.ref("base.cn")
        states = self.env["res.country.state"].sudo().search([("country_id", "=", china.id)])
        by_core = {_core(state.name): state.id for state in states}
        english = {}
        for name, code in _ENGLISH_PROVINCES.items():
            state = self.env.ref("base.state_cn_%s" % code, raise_if_not_found=False)
            if state:
                english[name] = state.id
        prefectures = {}
        for prefecture in self.env["trace.prefecture"].sudo().with_context(active_test=False).search([]):
            core = _core(prefecture.name)
            prefectures.setdefault(prefecture.state_id.id, []).append(
                (core, "".join(lazy_pinyin(core)), prefecture.id))
        answer = {}
        for province, city in pairs:
            state = self._state(province, by_core, english)
            prefecture = self._prefecture(city, prefectures.get(state, [])) if state else None
            answer[province, city] = (state, prefecture)
        return answer

    @staticmethod
    def _state(province, by_core, english):
        name = (province or "").strip()
        if not name:
            return None
        core = _core(name)
        if core in by_core:
            return by_core[core]
        latin = _latin(name)
        if latin:
            for key in latin:
                if key in english:
                    return english[key]
            known = [key for key in english if latin[1].startswith(key)]  # "guangxizhuangzu" is Guangxi
            return english[max(known, key=len)] if known else None
        matches = [state for key, state in by_core.items() if len(core) >= 2 and key.startswith(core)]
        return matches[0] if len(matches) == 1 else None

    @staticmethod
    def _prefecture(city, candidates):
        name = (city or "").strip()
        latin = _latin(name)
        index, keys = (1, latin) if latin else (0, (_core(name),))
        if len(keys[-1]) < 2:
            return None
        for key in keys:
            exact = [candidate[2] for candidate in candidates if candidate[index] == key]
            if len(exact) == 1:
                return exact[0]
        # "延边" for 延边朝鲜族自治州, "Yanbian" for its pinyin
        prefix = [candidate[2] for candidate in candidates if candidate[index].startswith(keys[-1])]
        return prefix[0] if len(prefix) == 1 else None
