# Exports the real data sets that Debian's R packages ship to CSV (run by scripts/make_data.sh).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "data"
suppressMessages(library(modeldata))
data(small_fine_foods, package = "modeldata")
# Amazon fine-food reviews: product id, review text, score ("great" = 5 stars, "other").
reviews <- rbind(cbind(training_data, split = "train"), cbind(testing_data, split = "test"))
write.csv(reviews, file.path(out, "fine_foods_reviews.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat(sprintf("data: fine_foods_reviews.csv (%d reviews)\n", nrow(reviews)))
# Customer churn: IBM Watson telco (7,043) and the mlc churn set (5,000), with a row_number
# (1-based, the order the package ships) that the committed test splits refer to.
data(wa_churn, package = "modeldata")
data(mlc_churn, package = "modeldata")
for (name in c("wa_churn", "mlc_churn")) {
  d <- get(name)
  d <- cbind(row_number = seq_len(nrow(d)), as.data.frame(d))
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "", fileEncoding = "UTF-8")
  cat(sprintf("data: %s.csv (%d customers)\n", name, nrow(d)))
}
