// Every label of the page in both languages; the choice is remembered in localStorage.
export const TEXT = {
  zh: {
    title: '苏州市电子信息产业投资台账',
    subtitle: '实时：签约、开工、资金，按区县与行业',
    kind: '事件类型', 'kind.signing': '签约', 'kind.groundbreaking': '开工', 'kind.funding': '资金',
    headline: '主要数字',
    'fig.signing': '重大项目集中签约', 'fig.groundbreaking': '亿元以上项目集中开工', 'fig.funding': '财政扶持与揭榜挂帅',
    'unit.projects': '个项目', 'unit.grants': '笔', 'fig.total': '计划总投资', 'fig.usd': '另有美元',
    'fig.planned': '年内计划完成投资', 'fig.granted': '资金', 'fig.matching': '企业配套投入',
    asof: '时间点', 'asof.live': '实时', 'asof.back': '回到实时', 'asof.at': '截至',
    map: '各区县（按地图位置）', districts: '按区县', sectors: '按行业', heat: '区县 × 行业', feed: '最新事件',
    'status.instance': '实例', 'status.updated': '更新于', 'status.live': '实时', 'status.stale': '数据不完整',
    'status.past': '历史', 'status.offline': '连接中断，正在重连', docs: 'API 文档', close: '关闭',
    'token.title': '需要读取令牌', 'token.help': '本台账需要读取令牌（--read-token）。令牌只保存在本标签页。',
    'token.label': '令牌', 'token.ok': '确定',
    'events.title': '事件明细', 'events.when': '发生时间', 'events.kind': '类型', 'events.project': '项目',
    'events.district': '区县', 'events.sector': '行业', 'events.amount': '金额', 'events.none': '没有事件',
    'events.more': '仅显示前 {n} 条', all: '全部', 'legend': '颜色越深金额越大（亿元，所选类型）',
    amountAxis: '亿元',
  },
  en: {
    title: 'Suzhou electronic-information investment ledger',
    subtitle: 'Live: signings, groundbreakings and funding, by district and sector',
    kind: 'Event kind', 'kind.signing': 'Signing', 'kind.groundbreaking': 'Groundbreaking', 'kind.funding': 'Funding',
    headline: 'Headline figures',
    'fig.signing': 'Major projects signed', 'fig.groundbreaking': 'Projects of 100 M+ breaking ground',
    'fig.funding': 'Fiscal support and open competition',
    'unit.projects': 'projects', 'unit.grants': 'grants', 'fig.total': 'Planned total investment', 'fig.usd': 'plus, in USD',
    'fig.planned': 'Planned within the year', 'fig.granted': 'Funding', 'fig.matching': 'Enterprise matching',
    asof: 'As of', 'asof.live': 'Live', 'asof.back': 'Back to live', 'asof.at': 'As of',
    map: 'Districts, as on the map', districts: 'By district', sectors: 'By sector', heat: 'District × sector',
    feed: 'Newest events',
    'status.instance': 'Instance', 'status.updated': 'Updated', 'status.live': 'LIVE', 'status.stale': 'STALE (incomplete)',
    'status.past': 'PAST', 'status.offline': 'Disconnected, reconnecting', docs: 'API docs', close: 'Close',
    'token.title': 'A read token is needed', 'token.help': 'This ledger needs a read token (--read-token). It is kept in this tab only.',
    'token.label': 'Token', 'token.ok': 'OK',
    'events.title': 'Events', 'events.when': 'Occurred', 'events.kind': 'Kind', 'events.project': 'Project',
    'events.district': 'District', 'events.sector': 'Sector', 'events.amount': 'Amount', 'events.none': 'No events',
    'events.more': 'First {n} shown', all: 'All', 'legend': 'Darker means more (CNY, selected kind)',
    amountAxis: 'CNY bn',
  },
};

const KEY = 'ledger.lang';

/** ?lang=en or ?lang=zh (e.g. for a wall screen's fixed address), else the remembered choice, else Chinese. */
export function initialLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'en' || asked === 'zh') {
    return asked;
  }
  const kept = localStorage.getItem(KEY);
  return kept === 'en' || kept === 'zh' ? kept : 'zh';
}

export function remember(lang) {
  localStorage.setItem(KEY, lang);
}

export function t(lang, key) {
  return (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;
}

/** Replaces the text of every element marked data-i18n. */
export function translate(lang, root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  root.querySelectorAll('[data-i18n]').forEach(el => {
    el.textContent = t(lang, el.dataset.i18n);
  });
}
