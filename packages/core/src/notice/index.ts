export * from './format';
export * from './labels';
export {
  escapeHtml,
  escapeTableCell,
  htmlDocument,
  htmlToText,
  markdownToHtml,
  markdownToText,
} from './markdown';
export { describeBasis, describeRetention, type NoticeOptions, noticeTitle, renderNotice } from './render';
